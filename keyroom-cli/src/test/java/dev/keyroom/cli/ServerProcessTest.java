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

    /** A {@code keyroom server} process, its printed lines up to {@code listening on}, its URL and pin. */
    record Running(Process process, List<String> lines, java.net.URI uri, String pin) {
        static Running start(Path dir, Path data, String... flags) throws Exception {
            String javaCommand = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(
                    javaCommand,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "server",
                    "--data"));
            command.add(data.toString());
            command.addAll(List.of(flags));
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("stderr.log").toFile()))
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("listening on ")) {
                    break;
                }
            }
            if (!lines.isEmpty() && lines.getLast().startsWith("listening on ")) {
                String pin = lines.stream()
                        .filter(l -> l.startsWith("tls pin "))
                        .findFirst()
                        .orElseThrow()
                        .substring(8);
                return new Running(
                        p, lines, java.net.URI.create(lines.getLast().substring("listening on ".length())), pin);
            }
            p.destroyForcibly();
            throw new AssertionError(
                    "the server did not start: " + lines + "\n" + Files.readString(dir.resolve("stderr.log")));
        }
    }

    @Test
    void aSignedWriteReplayedAfterAKill9_isRefused_andAnSdkClientIsServedAtOnce() throws Exception {
        // AUTH-3: kill -9 leaves no record of the nonces seen; the restarted node refuses every
        // request signed before its start plus the skew, tells an honest client from when to sign,
        // and the SDK signs again at once.
        Path data = dir.resolve("data");
        Running first = Running.start(dir, data, "--listen", "127.0.0.1:0");
        dev.keyroom.core.identity.Identity admin =
                dev.keyroom.protocol.IdentityFile.read(data.resolve("admin.identity"));
        String path;
        byte[] body = "{\"value\":\"djE\"}".getBytes(StandardCharsets.UTF_8);
        java.util.Map<String, String> signed;
        try {
            assertThat(first.lines())
                    .anyMatch(l -> l.startsWith("accepting requests signed for ") && l.contains("localhost:"));
            dev.keyroom.client.KeyroomClient client = sdk(first, admin);
            String room = client.rooms().createCleartext("ops").roomId();
            path = "/v1/rooms/" + room + "/secrets/api-key";
            signed = new java.util.LinkedHashMap<>(new dev.keyroom.protocol.signature.RequestSigner(
                            admin, dev.keyroom.core.port.Clock.system(), new java.security.SecureRandom())
                    .sign("PUT", first.uri().resolve(path), body));
            signed.put("Content-Type", "application/json");
            java.net.http.HttpResponse<String> accepted = send(first, "PUT", path, signed, body);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        } finally {
            first.process().destroyForcibly();
            first.process().waitFor(30, TimeUnit.SECONDS);
        }
        Running again =
                Running.start(dir, data, "--listen", "127.0.0.1:" + first.uri().getPort());
        try {
            java.net.http.HttpResponse<String> replay = send(again, "PUT", path, signed, body);
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(401);
            assertThat(replay.body()).contains("signed before");
            assertThat(replay.headers().firstValue("Keyroom-Not-Before")).isPresent();
            try (dev.keyroom.client.SecretValue v = sdk(again, admin)
                    .secrets()
                    .get(
                            dev.keyroom.core.rooms.RoomId.parse(path.split("/")[3]),
                            "api-key",
                            java.util.Optional.empty())) {
                assertThat(v.version()).isEqualTo(1);
            }
        } finally {
            again.process().destroyForcibly();
            admin.close();
        }
    }

    @Test
    void softAuth_printsAWarningAtStart() throws Exception {
        // AUTH-5: whenever auth is not enforce, the start says so.
        Running soft = Running.start(dir, dir.resolve("data"), "--listen", "127.0.0.1:0", "--auth-mode", "soft");
        try {
            assertThat(soft.lines()).anyMatch(l -> l.startsWith("WARNING: auth_mode soft"));
        } finally {
            soft.process().destroyForcibly();
        }
    }

    static dev.keyroom.client.KeyroomClient sdk(Running node, dev.keyroom.core.identity.Identity id) {
        return dev.keyroom.client.KeyroomClient.builder(node.uri(), id)
                .trust(dev.keyroom.client.ServerTrust.pin(node.pin()))
                .build();
    }

    static java.net.http.HttpResponse<String> send(
            Running node, String method, String path, java.util.Map<String, String> headers, byte[] body)
            throws Exception {
        try (java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .sslContext(dev.keyroom.client.ServerTrust.pin(node.pin()).sslContext())
                .build()) {
            java.net.http.HttpRequest.Builder b =
                    java.net.http.HttpRequest.newBuilder(node.uri().resolve(path));
            headers.forEach(b::header);
            b.method(method, java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            return c.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }
}
