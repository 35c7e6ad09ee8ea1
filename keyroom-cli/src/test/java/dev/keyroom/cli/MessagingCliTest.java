package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        try (CliNode node = CliNode.start(data)) {
            CliTest.Result created = node.run("room", "create", "ops", "--json");
            assertThat(created.code()).as(created.err()).isZero();
            String room = created.out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();

            assertThat(node.run("send", room, "hello\u001b[31m").code()).isZero();
            CliTest.Result history = node.run("history", room);
            assertThat(history.out()).contains("hello\\u001b[31m").doesNotContain("\u001b");

            Path file = dir.resolve("report.bin");
            Files.write(file, dev.keyroom.testkit.Fixtures.bytes(200_000));
            CliTest.Result put = node.run("blob", "put", room, file.toString(), "--json");
            assertThat(put.code()).as(put.err()).isZero();
            String seq = put.out()
                    .replaceAll("(?s).*\"message_seq\":([0-9]+).*", "$1")
                    .strip();
            Path back = dir.resolve("back.bin");
            CliTest.Result get = node.run("blob", "get", room, seq, "--out", back.toString());
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(file));

            CliTest.Result tail = node.run("tail", room, "--after", "1", "--count", "1");
            assertThat(tail.code()).as(tail.err()).isZero();
            // A blob's key stays out of the terminal unless asked for.
            assertThat(tail.out())
                    .startsWith("2 ")
                    .contains(" blob ")
                    .contains("bytes; keyroom blob get ROOM 2 --out FILE)")
                    .doesNotContain("keyroom-blob:v1:");
            assertThat(node.run("history", room).out()).doesNotContain("keyroom-blob:v1:");
            assertThat(node.run("history", room, "--after", "1", "--json").out())
                    .contains("\"blob\":{")
                    .doesNotContain("\"body\"");
            assertThat(node.run("history", room, "--show-keys").out()).contains("keyroom-blob:v1:");
            assertThat(node.run("tail", room, "--after", "1", "--count", "1", "--show-keys")
                            .out())
                    .contains("keyroom-blob:v1:");

            CliTest.Result keep = node.run("room", "retention", room, "--count", "1");
            assertThat(keep.code()).as(keep.err()).isZero();
            assertThat(keep.out()).contains("keeps 1 messages, for 30 days (server default)");
            assertThat(node.run("history", room).out()).startsWith("2 ").doesNotContain("hello");
            CliTest.Result both = node.run("room", "retention", room, "--default", "--count", "3");
            assertThat(both.code()).isNotZero();
            assertThat(both.err()).contains("--default cannot be combined");
        }
    }
}
