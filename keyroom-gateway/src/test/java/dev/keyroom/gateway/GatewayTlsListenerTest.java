package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.GatewaySession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond loopback, agents reach the gateway itself over TLS: an {@code https://} proxy URL, the
 * listener's certificate from the gateway's CA, sessions opened over it, and the agent's TLS to the
 * upstream carried inside (TLS in TLS). Forced on here on a loopback address, the only one a test has.
 */
class GatewayTlsListenerTest {
    @TempDir
    static Path tmp;

    static GatewayWorld world;

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayWorld(tmp);
        Files.writeString(world.dir.config(), "tls: true\n", StandardOpenOption.APPEND);
        world.startGateway();
        world.addGrant(world.grant(List.of("GET"), List.of("/")));
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    @Test
    void curl_throughAnHttpsProxyUrl_reachesTheUpstream_andSeesOnlyTheMask() throws Exception {
        assertThat(world.gateway.uri().getScheme()).isEqualTo("https");
        GatewaySession s = world.openSession();
        Processes.Result r = Processes.run(
                List.of(
                        Processes.require("/usr/bin/curl").toString(),
                        "-sS",
                        "--proxy",
                        world.gateway.uri().toString(),
                        "--proxy-cacert",
                        world.dir.caCertificate().toString(),
                        "--proxy-user",
                        s.proxyUser() + ":" + s.credential(),
                        "--cacert",
                        world.dir.caCertificate().toString(),
                        "https://127.0.0.1:" + world.upstream.port() + "/echo"),
                Map.of());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("auth=Bearer " + Forwarder.MASK).doesNotContain(GatewayWorld.API_KEY);
    }

    @Test
    void plainHttpToATlsListener_getsNoTunnel() throws Exception {
        try (java.net.Socket raw =
                new java.net.Socket("127.0.0.1", world.gateway.uri().getPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream()
                    .write(("CONNECT 127.0.0.1:" + world.upstream.port() + " HTTP/1.1\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = raw.getInputStream().readNBytes(12);
            assertThat(new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotStartWith("HTTP/1.1 200");
        }
    }
}
