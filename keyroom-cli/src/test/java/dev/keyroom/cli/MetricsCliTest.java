package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus listener, read by Prometheus's own text-format parser, and {@code keyroom status}. */
class MetricsCliTest {
    @TempDir
    Path dir;

    @Test
    void scrape_parsesAsPrometheusText_andStatusShowsTheImportantOnes() throws Exception {
        try (CliNode node = CliNode.start(dir.resolve("data"), "metrics:\n  listen: 127.0.0.1:0\n")) {
            String room = node.createRoom("ops");
            assertThat(node.run("send", room, "hello").code()).isZero();
            URI uri = node.server.metricsUri().orElseThrow();
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            HttpResponse<String> scrape;
            try (HttpClient http = HttpClient.newHttpClient()) {
                scrape = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/plain; version=0.0.4");
            Path text = dir.resolve("scrape.txt");
            Files.writeString(text, scrape.body());

            List<String> families = parse(text);
            assertThat(families)
                    .contains(
                            "keyroom_nonces_size gauge",
                            "keyroom_bus_sessions gauge",
                            "keyroom_inflight_bytes gauge",
                            "keyroom_limits_refused counter");

            CliTest.Result status = node.run("status");
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out())
                    .startsWith("node at " + node.server.uri())
                    .containsPattern("nonces remembered +[1-9][0-9]*\n")
                    .contains("data-plane sessions");
        }
    }

    @Test
    void metricsBeyondLoopback_needsTheExplicitOptIn() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "metrics:\n  listen: 0.0.0.0:9464\n");
        CliTest.Result r = CliTest.run("config", "check", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("metrics.listen 0.0.0.0:9464 is beyond loopback");
        Files.writeString(f, "metrics:\n  listen: 0.0.0.0:9464\n  insecure_beyond_loopback: true\n");
        assertThat(CliTest.run("config", "check", f.toString()).code()).isZero();
    }

    /** Each metric family as "name type", by prometheus_client's parser (Debian python3-prometheus-client). */
    private static List<String> parse(Path text) throws Exception {
        String script = "import sys\n"
                + "from prometheus_client.parser import text_string_to_metric_families\n"
                + "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
                + "    print(f.name, f.type)\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, text.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("python3 with prometheus_client (Debian python3-prometheus-client) must parse it: " + out)
                .isZero();
        return out.lines().toList();
    }
}
