package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tail} says when it loses the server and when it resumes, and from which sequence. */
class TailReconnectTest {
    @TempDir
    Path dir;

    /** {@code keyroom server} as a process of its own, stopped with SIGTERM as an operator would. */
    record Node(Process process, String url, String pin) implements AutoCloseable {
        static Node start(Path data, String listen) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            // As ./keyroom runs it: SQLite's native library without the JVM's warning.
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "server",
                            "--data",
                            data.toString(),
                            "--listen",
                            listen)
                    .redirectError(data.resolveSibling("server.log").toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String pin = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("tls pin ")) {
                    pin = line.substring(8);
                }
                if (line.startsWith("listening on ")) {
                    return new Node(p, line.substring(13), pin);
                }
            }
            p.destroyForcibly();
            throw new AssertionError(
                    "the server did not start: " + Files.readString(data.resolveSibling("server.log")));
        }

        @Override
        public void close() throws Exception {
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
                    .start()
                    .waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(180)
    void tail_acrossAServerRestart_saysSoAndMissesNothing() throws Exception {
        Path data = dir.resolve("data");
        Node node = Node.start(data, "127.0.0.1:0");
        String listen = node.url().substring("https://".length());
        String[] connection = {
            "--server",
            node.url(),
            "--pin",
            node.pin(),
            "--identity",
            data.resolve("admin.identity").toString()
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            CliTest.Result created = CliTest.run(concat(new String[] {"room", "create", "ops", "--json"}, connection));
            String room = created.out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();
            CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(
                    () -> Main.run(
                            new PrintWriter(out, true),
                            new PrintWriter(err, true),
                            concat(new String[] {"tail", room, "--count", "2"}, connection)),
                    // A thread of its own: the tail blocks it until the end.
                    r -> Thread.ofPlatform().daemon().start(r));
            assertThat(CliTest.run(concat(new String[] {"send", room, "one"}, connection))
                            .code())
                    .isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains(" one"));

            node.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> err.toString().contains("-- lost the server ("));
            assertThat(err.toString()).contains("); reconnecting, to resume after sequence 1\n");

            node = Node.start(data, listen);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> err.toString().contains("-- reconnected; resuming after sequence 1\n"));
            assertThat(CliTest.run(concat(new String[] {"send", room, "two"}, connection))
                            .code())
                    .isZero();
            assertThat(tail.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
            assertThat(out.toString().lines().filter(l -> !l.startsWith("--")))
                    .satisfiesExactly(
                            l -> assertThat(l).startsWith("1 ").endsWith(" one"),
                            l -> assertThat(l).startsWith("2 ").endsWith(" two"));
        } finally {
            node.close();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
