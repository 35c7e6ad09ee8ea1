package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyroom gateway} as a real process against a real node: on a fresh directory it says what
 * it made and how to register it, then refuses to serve while it is not registered; once registered
 * and invited it listens, serves its CA, and stops cleanly on SIGTERM.
 */
class GatewayCommandTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void aFreshGateway_printsItsNextSteps_refusesUntilRegistered_thenListens() throws Exception {
        try (GatewayCliWorld world = new GatewayCliWorld(tmp)) {
            String data = world.dir.root().toString();
            String[] flags = {
                "gateway",
                "--data",
                data,
                "--server",
                world.node.uri().toString(),
                "--pin",
                world.node.server.pin().orElseThrow(),
                "--listen",
                "127.0.0.1:0"
            };
            GatewayCliWorld.Ran fresh = GatewayCliWorld.keyroom(tmp, Map.of(), flags);
            assertThat(fresh.code()).isEqualTo(Main.EXIT_FAILED);
            String endpoint = new String(Files.readAllBytes(world.dir.publicIdentity()), StandardCharsets.UTF_8)
                    .replaceAll("(?s).*\"endpoint\":\"([0-9a-f]{32})\".*", "$1");
            assertThat(fresh.out())
                    .startsWith("initialised " + data + "\n")
                    .contains("gateway endpoint " + endpoint)
                    .contains("keyroom user add --server " + world.node.uri())
                    .contains("--name gateway --role member --from " + world.dir.publicIdentity())
                    .contains("keyroom room invite ROOM " + endpoint + " --role reader")
                    .contains("agents trust its CA " + world.dir.caCertificate())
                    .contains("SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, CURL_CA_BUNDLE")
                    .doesNotContain("listening on");
            assertThat(fresh.err().strip().lines())
                    .singleElement()
                    .asString()
                    .startsWith("keyroom: [gateway_not_started] the gateway did not start: the Keyroom server at ")
                    .contains("register the gateway's identity");
            assertThat(Files.readString(world.dir.config())).contains("server_pin");

            world.registerGateway();
            Process p = new ProcessBuilder(GatewayCliWorld.command(flags))
                    .redirectError(tmp.resolve("gateway.err").toFile())
                    .start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = new ArrayList<>();
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("listening on ")) {
                        break;
                    }
                }
                assertThat(lines)
                        .as(Files.readString(tmp.resolve("gateway.err")))
                        .isNotEmpty();
                assertThat(lines.getLast()).startsWith("listening on http://127.0.0.1:");
                assertThat(lines).doesNotContain("initialised " + data).contains("gateway endpoint " + endpoint);
                URI uri = URI.create(lines.getLast().substring("listening on ".length()));
                try (HttpClient http = HttpClient.newBuilder()
                        .proxy(HttpClient.Builder.NO_PROXY)
                        .build()) {
                    HttpResponse<String> ca = http.send(
                            HttpRequest.newBuilder(uri.resolve("/v1/ca.pem")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(ca.statusCode()).isEqualTo(200);
                    assertThat(ca.body()).isEqualTo(Files.readString(world.dir.caCertificate()));
                }
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                        .start()
                        .waitFor();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(out.readLine()).isEqualTo("stopped");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aFreshDirectory_withoutAServer_isRefused_andLeftEmpty() {
        Path data = tmp.resolve("gw");
        CliTest.Result r = CliTest.run("gateway", "--data", data.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("the Keyroom server's URL is required (--server)");
        assertThat(data).doesNotExist();
    }
}
