package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOS-2, DOS-4: nobody holds the shared in-flight budget without a valid signature, a request holds
 * what it declares, one client address holds a bounded share, a body has a deadline, and a request
 * without a body is charged nothing.
 */
class BudgetFloodAttackTest {
    static final int MIB = 1 << 20;
    static final String BLOB_PATH = "/v1/rooms/" + "a".repeat(32) + "/blobs/" + "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void unauthenticatedUploadsFromManyAddresses_holdNothing_andSignedWritesGoOn() throws Exception {
        // DOS-2: twelve strangers on twelve addresses each start a 16 MiB blob upload and hold it open
        // (headers and 64 KiB sent, well above the rate floor); on the old design eight of them held
        // the whole default 128 MiB budget and every write got 503.
        try (TestNode node = TestNode.start(dir)) {
            Identity alice = node.register("alice", Role.MEMBER);
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 1; i <= 12; i++) {
                    flood.add(hold(node, "127.0.3." + i, unsignedUpload(node, 16 * MIB), 64 * 1024));
                }
                Thread.sleep(300);
                assertThat(node.server.budget().used())
                        .as("no unauthenticated request holds any of the budget")
                        .isZero();
                RawHttp.Response write = RawHttp.signed(
                        node,
                        "127.0.2.1",
                        alice,
                        "POST",
                        "/v1/rooms",
                        "{\"name\":\"during the flood\",\"policy\":\"cleartext\"}".getBytes(StandardCharsets.UTF_8));
                assertThat(write.status()).as(write.body()).isEqualTo(201);
                // A signed GET sent as curl sends it (no Content-Length) is not charged a body it lacks.
                RawHttp.Response me = RawHttp.signed(node, "127.0.2.2", alice, "GET", "/v1/me", null);
                assertThat(me.status()).as(me.body()).isEqualTo(200);
                for (Socket s : flood) {
                    s.setSoTimeout(10_000);
                    assertThat(RawHttp.read(s.getInputStream()).status())
                            .as("a stranger's upload is refused before its body is read")
                            .isEqualTo(401);
                }
            } finally {
                closeAll(flood);
            }
            assertThat(node.server.budget().used()).isZero();
        }
    }

    @Test
    void aSignedUpload_holdsWhatItDeclares_andOneAddressHoldsABoundedShare() throws Exception {
        // DOS-2: a signed upload reserves its declared length, not the route's 16 MiB ceiling; one
        // address holds at most limits.inflight_per_client_bytes, so others still get in.
        try (TestNode node = TestNode.start(dir, "limits: {inflight_per_client_bytes: 33554432}")) {
            Identity alice = node.register("alice", Role.MEMBER);
            Identity bob = node.register("bob", Role.MEMBER);
            List<Socket> held = new ArrayList<>();
            try {
                held.add(hold(node, "127.0.5.1", signedUpload(node, alice, 1000), 10));
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.server.budget().used() == 1000);
                held.add(hold(node, "127.0.5.1", signedUpload(node, alice, 16 * MIB), 1024));
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.server.budget().used() == 1000 + 16 * MIB);
                // A second 16 MiB from the same address would take it over its 32 MiB share.
                Socket third = hold(node, "127.0.5.1", signedUpload(node, alice, 16 * MIB), 0);
                held.add(third);
                third.setSoTimeout(10_000);
                RawHttp.Response refused = RawHttp.read(third.getInputStream());
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isNotNull();
                assertThat(refused.body()).contains("\"code\":\"overloaded\"");
                // Another client on another address is served meanwhile.
                RawHttp.Response other = RawHttp.signed(
                        node,
                        "127.0.5.2",
                        bob,
                        "POST",
                        "/v1/rooms",
                        "{\"name\":\"other\",\"policy\":\"cleartext\"}".getBytes(StandardCharsets.UTF_8));
                assertThat(other.status()).as(other.body()).isEqualTo(201);
            } finally {
                closeAll(held);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> node.server.budget().used() == 0);
        }
    }

    @Test
    void aCapturedSignedHeaderSet_replayedWithAnInflatedLength_holdsNothing() throws Exception {
        // DOS-2, AUTH-3: the signature does not cover Content-Length, so a captured header set could
        // declare up to the route's ceiling and trickle its body, holding its victim's share of the
        // budget for as long as the body deadline allows. The nonce is claimed before the body is
        // read: every replay is refused at once and holds nothing.
        try (TestNode node = TestNode.start(dir)) {
            Identity alice = node.register("alice", Role.MEMBER);
            byte[] body = "{\"name\":\"captured\",\"policy\":\"cleartext\"}".getBytes(StandardCharsets.UTF_8);
            java.util.Map<String, String> signed =
                    new java.util.LinkedHashMap<>(new dev.keyroom.protocol.signature.RequestSigner(
                                    alice, dev.keyroom.core.port.Clock.system(), TestNode.RANDOM)
                            .sign("POST", node.uri().resolve("/v1/rooms"), body));
            signed.put("Content-Type", "application/json");
            assertThat(RawHttp.send(node, "127.0.7.1", "POST", "/v1/rooms", signed, body)
                            .status())
                    .isEqualTo(201);
            StringBuilder head = new StringBuilder("POST /v1/rooms HTTP/1.1\r\nHost: "
                    + node.uri().getRawAuthority() + "\r\nContent-Length: " + MIB + "\r\n");
            signed.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            List<Socket> replays = new ArrayList<>();
            try {
                for (int i = 1; i <= 8; i++) {
                    replays.add(hold(node, "127.0.7." + (i + 1), head.append("").toString() + "\r\n", 2048));
                }
                for (Socket s : replays) {
                    s.setSoTimeout(10_000);
                    RawHttp.Response r = RawHttp.read(s.getInputStream());
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(r.body()).contains("replayed nonce");
                }
                assertThat(node.server.budget().used()).isZero();
                assertThat(node.server.budget().heldBy("id:" + alice.endpoint().value()))
                        .isZero();
                RawHttp.Response fresh = RawHttp.signed(
                        node,
                        "127.0.7.1",
                        alice,
                        "POST",
                        "/v1/rooms",
                        "{\"name\":\"fresh\",\"policy\":\"cleartext\"}".getBytes(StandardCharsets.UTF_8));
                assertThat(fresh.status()).as(fresh.body()).isEqualTo(201);
            } finally {
                closeAll(replays);
            }
        }
    }

    @Test
    void aRefusalBeforeTheBody_isReadByAClientStillSendingIt() throws Exception {
        // LOG-1: a request refused before its body is read (here unsigned) gets its answer, not a
        // connection reset, while the client is still writing a body of up to the JSON ceiling.
        try (TestNode node = TestNode.start(dir)) {
            for (int size : new int[] {8 * 1024, 200 * 1024, 900 * 1024}) {
                for (int i = 0; i < 3; i++) {
                    java.net.http.HttpResponse<String> r = dev.keyroom.server.Http.send(
                            node.server,
                            "POST",
                            node.uri().resolve("/v1/rooms"),
                            java.util.Map.of("Content-Type", "application/json"),
                            new byte[size]);
                    assertThat(r.statusCode()).as(size + " bytes").isEqualTo(401);
                    assertThat(r.body()).contains("\"code\":\"unauthorized\"");
                }
            }
        }
    }

    @Test
    void aBodyThatTakesTooLong_isCutOffWith408_andReleasesItsReservation() throws Exception {
        // DOS-4: a body that trickles in above the rate floor still ends at limits.body_timeout_seconds.
        try (TestNode node = TestNode.start(dir, "limits: {body_timeout_seconds: 2}")) {
            Identity alice = node.register("alice", Role.MEMBER);
            try (Socket s = hold(node, "127.0.6.1", signedUpload(node, alice, 4 * MIB), 64 * 1024)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.server.budget().used() == 4 * MIB);
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                long start = System.nanoTime();
                RawHttp.Response r = null;
                // Keep sending 16 KiB a second: above the 1 KiB/s floor, far too slow for the deadline.
                Thread trickle = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 30; i++) {
                            out.write(new byte[16 * 1024]);
                            out.flush();
                            Thread.sleep(1000);
                        }
                    } catch (IOException | InterruptedException cut) {
                        // the server ended the request
                    }
                });
                r = RawHttp.read(s.getInputStream());
                trickle.interrupt();
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.body()).contains("\"code\":\"request_timeout\"");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> node.server.budget().used() == 0);
        }
    }

    /** An unsigned blob upload's head, declaring {@code length} bytes. */
    static String unsignedUpload(TestNode node, int length) {
        return "PUT " + BLOB_PATH + " HTTP/1.1\r\nHost: " + node.uri().getRawAuthority()
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** A signed blob upload's head for a body of {@code length} zero bytes. */
    static String signedUpload(TestNode node, Identity id, int length) {
        return RawHttp.signedHead(
                node, id, "PUT", BLOB_PATH, length, dev.keyroom.core.crypto.Digests.sha256(new byte[length]));
    }

    /** Sends {@code head} and the first {@code bodyBytes} zero bytes from {@code source}; keeps the connection. */
    static Socket hold(TestNode node, String source, String head, int bodyBytes) throws IOException {
        Socket s = RawHttp.connect(node, source);
        OutputStream out = s.getOutputStream();
        try {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[bodyBytes]);
            out.flush();
        } catch (IOException answeredEarly) {
            // refused and closed before the body went out
        }
        return s;
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
