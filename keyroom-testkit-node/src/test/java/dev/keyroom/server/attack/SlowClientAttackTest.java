package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DOS-4: slow and half-open clients cannot hold the server. */
class SlowClientAttackTest {
    @TempDir
    Path dir;

    /** True when the server has closed the connection (end of stream or reset). */
    static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(50);
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void slowLorisConnections_areCutAtTheHeaderDeadline_andDoNotBlockHonestClients() throws Exception {
        // DOS-4: connections that trickle their headers a byte at a time are closed at the deadline,
        // one address cannot open more than its share, and an honest client is served meanwhile.
        try (TestNode node =
                TestNode.start(dir, "limits: {header_timeout_seconds: 2, max_connections_per_address: 4}")) {
            List<Socket> loris = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = RawHttp.connect(node, "127.0.0.30");
                    OutputStream out = s.getOutputStream();
                    out.write("GET /healthz HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    loris.add(s);
                }
                Socket fifth = RawHttp.connect(node, "127.0.0.30");
                loris.add(fifth);
                await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(fifth));

                RawHttp.Response honest = RawHttp.send(node, "127.0.0.31", "GET", "/healthz", Map.of(), null);
                assertThat(honest.status()).isEqualTo(200);

                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            for (Socket s : loris.subList(0, 4)) {
                                try {
                                    s.getOutputStream().write('s');
                                    s.getOutputStream().flush();
                                } catch (IOException closed) {
                                    // already closed by the server
                                }
                            }
                            return loris.subList(0, 4).stream().allMatch(SlowClientAttackTest::closedByServer);
                        });
                System.out.printf(
                        "DOS-4 slow-loris connections closed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
                // With the loris gone the address may connect again: the per-address count went back down.
                await().atMost(Duration.ofSeconds(5))
                        .ignoreExceptions()
                        .until(() -> RawHttp.send(node, "127.0.0.30", "GET", "/healthz", Map.of(), null)
                                        .status()
                                == 200);
            } finally {
                for (Socket s : loris) {
                    s.close();
                }
            }
        }
    }

    @Test
    void halfOpenConnections_fromManyAddresses_doNotStopService() throws Exception {
        // DOS-4: connections that never send a byte are closed at the deadline and do not block others.
        try (TestNode node = TestNode.start(dir, "limits: {header_timeout_seconds: 1}")) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    Socket s = new Socket();
                    s.bind(new java.net.InetSocketAddress("127.0.3." + (i % 200 + 1), 0));
                    s.connect(new java.net.InetSocketAddress(
                            node.uri().getHost(), node.uri().getPort()));
                    idle.add(s);
                }
                assertThat(RawHttp.send(node, "127.0.0.32", "GET", "/healthz", Map.of(), null)
                                .status())
                        .isEqualTo(200);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> idle.stream().allMatch(SlowClientAttackTest::closedByServer));
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void bodyTrickledBelowTheMinimumRate_isCutOff() throws Exception {
        // DOS-4: a body sent a few bytes at a time is refused once it falls below the minimum rate.
        try (TestNode node = TestNode.start(dir, "limits: {min_request_bytes_per_second: 1024}");
                Socket s = RawHttp.connect(node, "127.0.0.33")) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/rooms HTTP/1.1\r\nHost: " + node.uri().getRawAuthority()
                            + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long start = System.nanoTime();
            RawHttp.Response[] answer = new RawHttp.Response[1];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    answer[0] = RawHttp.read(s.getInputStream());
                } catch (IOException e) {
                    answer[0] = new RawHttp.Response(-1, Map.of(), "");
                }
            });
            for (int i = 0; i < 40 && reader.isAlive(); i++) {
                try {
                    out.write("          ".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(250);
            }
            reader.join(30_000);
            assertThat(answer[0]).as("the server answered or closed").isNotNull();
            assertThat(answer[0].status()).isNotEqualTo(200).isNotEqualTo(201);
            System.out.printf(
                    "DOS-4 trickled body refused with %d after %d ms%n",
                    answer[0].status(), (System.nanoTime() - start) / 1_000_000);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> node.server.budget().used() == 0);
        }
    }
}
