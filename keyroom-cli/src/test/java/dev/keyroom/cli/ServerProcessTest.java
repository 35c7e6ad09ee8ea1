package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyroom server} as a real process: ready line, a client call, clean stop on SIGTERM. */
class ServerProcessTest {
    @TempDir
    Path dir;

    @Test
    void server_printsListening_servesClients_andStopsCleanlyOnSigterm() throws Exception {
        Path data = dir.resolve("data");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "server",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0")
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("listening on ")) {
                    break;
                }
            }
            assertThat(lines).anyMatch(l -> l.startsWith("tls pin sha256/"));
            String url = lines.getLast().substring("listening on ".length());
            String pin = lines.stream()
                    .filter(l -> l.startsWith("tls pin "))
                    .findFirst()
                    .orElseThrow()
                    .substring(8);
            assertThat(url).startsWith("https://127.0.0.1:");

            CliTest.Result who = CliTest.run(
                    "whoami",
                    "--server",
                    url,
                    "--pin",
                    pin,
                    "--identity",
                    data.resolve("admin.identity").toString(),
                    "--json");
            assertThat(who.code()).as(who.err()).isZero();
            assertThat(who.out()).contains("\"role\":\"admin\"");

            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(out.readLine()).isEqualTo("stopped");
        } finally {
            p.destroyForcibly();
        }
        // A clean close checkpoints and removes the write-ahead log.
        assertThat(Files.exists(data.resolve("keyroom.db-wal"))).isFalse();
        String log = Files.readString(dir.resolve("stderr.log"));
        assertThat(log).doesNotContain("sign_seed").doesNotContain("kex_private");
    }
}
