package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code secret put|get|ls|history|rm} and {@code keyring status|rotate|rewrap} against a real node. */
class VaultCliTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void secretsAndKeyring_fromTheCommandLine() throws Exception {
        Path data = dir.resolve("data");
        try (CliNode node = CliNode.start(data)) {
            CliTest.Result created = node.run("room", "create", "vault", "--json");
            String room = created.out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();
            Path value = dir.resolve("value");
            Files.writeString(value, "pa55word");
            CliTest.Result put = node.run("secret", "put", room, "db/password", "--file", value.toString());
            assertThat(put.code()).as(put.err()).isZero();
            assertThat(put.out()).contains("db/password is at version 1");
            Files.writeString(value, "pa55word-2");
            assertThat(node.run("secret", "put", room, "db/password", "--file", value.toString())
                            .out())
                    .contains("version 2");
            CliTest.Result stale =
                    node.run("secret", "put", room, "db/password", "--file", value.toString(), "--if-version", "1");
            assertThat(stale.code()).isEqualTo(Main.EXIT_FAILED);

            CliTest.Result get = node.run("secret", "get", room, "db/password");
            assertThat(get.out().strip()).isEqualTo("pa55word-2");
            Path out = dir.resolve("out");
            assertThat(node.run("secret", "get", room, "db/password", "--version", "1", "--out", out.toString())
                            .code())
                    .isZero();
            assertThat(Files.readString(out)).isEqualTo("pa55word");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                    .isEqualTo("rw-------");

            assertThat(node.run("secret", "ls", room).out()).contains("db/password v2");
            assertThat(node.run("secret", "history", room, "db/password").out())
                    .contains("v2 ")
                    .contains("v1 ");
            assertThat(node.run("secret", "rm", room, "db/password").code()).isZero();
            assertThat(node.run("secret", "get", room, "db/password").code()).isEqualTo(Main.EXIT_FAILED);

            assertThat(node.run("keyring", "rotate").out()).contains("key 2 (current)");
            CliTest.Result status = node.run("keyring", "status");
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out())
                    .contains("key 1: 3 items")
                    .contains("key 2 (current): 0 items"); // 2 secret versions, 1 sealed room key
        }
    }
}
