package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** send, history and blob put/get through the CLI against a real node. */
class MessagingCliTest {
    @TempDir
    Path dir;

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void sendHistoryAndBlobs_roundTrip() throws Exception {
        Path data = dir.resolve("data");
        try (KeyroomServer server =
                KeyroomServer.start(ServerConfig.from(data, ConfigFile.flags("127.0.0.1:0", null, null, null)))) {
            String[] conn = {
                "--server",
                server.uri().toString(),
                "--pin",
                server.pin().orElseThrow(),
                "--identity",
                new DataDir(data).adminIdentity().toString()
            };
            CliTest.Result created = CliTest.run(concat(new String[] {"room", "create", "ops", "--json"}, conn));
            assertThat(created.code()).as(created.err()).isZero();
            String room = created.out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();

            assertThat(CliTest.run(concat(new String[] {"send", room, "hello\u001b[31m"}, conn))
                            .code())
                    .isZero();
            CliTest.Result history = CliTest.run(concat(new String[] {"history", room}, conn));
            assertThat(history.out()).contains("hello\\u001b[31m").doesNotContain("\u001b");

            Path file = dir.resolve("report.bin");
            Files.write(file, dev.keyroom.testkit.Fixtures.bytes(200_000));
            CliTest.Result put =
                    CliTest.run(concat(new String[] {"blob", "put", room, file.toString(), "--json"}, conn));
            assertThat(put.code()).as(put.err()).isZero();
            String seq = put.out()
                    .replaceAll("(?s).*\"message_seq\":([0-9]+).*", "$1")
                    .strip();
            Path back = dir.resolve("back.bin");
            CliTest.Result get =
                    CliTest.run(concat(new String[] {"blob", "get", room, seq, "--out", back.toString()}, conn));
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(file));

            CliTest.Result tail =
                    CliTest.run(concat(new String[] {"tail", room, "--after", "1", "--count", "1"}, conn));
            assertThat(tail.code()).as(tail.err()).isZero();
            assertThat(tail.out()).startsWith("2 ").contains("keyroom-blob:v1:");

            CliTest.Result keep = CliTest.run(concat(new String[] {"room", "retention", room, "--count", "1"}, conn));
            assertThat(keep.code()).as(keep.err()).isZero();
            assertThat(keep.out()).contains("keeps 1 messages, for 30 days (server default)");
            assertThat(CliTest.run(concat(new String[] {"history", room}, conn)).out())
                    .startsWith("2 ")
                    .doesNotContain("hello");
            CliTest.Result both =
                    CliTest.run(concat(new String[] {"room", "retention", room, "--default", "--count", "3"}, conn));
            assertThat(both.code()).isNotZero();
            assertThat(both.err()).contains("--default cannot be combined");
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
