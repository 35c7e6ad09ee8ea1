package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
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
            CliTest.Result created =
                    CliTest.run(MessagingCliTest.concat(new String[] {"room", "create", "vault", "--json"}, conn));
            String room = created.out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();
            Path value = dir.resolve("value");
            Files.writeString(value, "pa55word");
            CliTest.Result put = CliTest.run(MessagingCliTest.concat(
                    new String[] {"secret", "put", room, "db/password", "--file", value.toString()}, conn));
            assertThat(put.code()).as(put.err()).isZero();
            assertThat(put.out()).contains("db/password is at version 1");
            Files.writeString(value, "pa55word-2");
            assertThat(CliTest.run(MessagingCliTest.concat(
                                    new String[] {"secret", "put", room, "db/password", "--file", value.toString()},
                                    conn))
                            .out())
                    .contains("version 2");
            CliTest.Result stale = CliTest.run(MessagingCliTest.concat(
                    new String[] {"secret", "put", room, "db/password", "--file", value.toString(), "--if-version", "1"
                    },
                    conn));
            assertThat(stale.code()).isEqualTo(Main.EXIT_FAILED);

            CliTest.Result get =
                    CliTest.run(MessagingCliTest.concat(new String[] {"secret", "get", room, "db/password"}, conn));
            assertThat(get.out().strip()).isEqualTo("pa55word-2");
            Path out = dir.resolve("out");
            assertThat(CliTest.run(MessagingCliTest.concat(
                                    new String[] {
                                        "secret", "get", room, "db/password", "--version", "1", "--out", out.toString()
                                    },
                                    conn))
                            .code())
                    .isZero();
            assertThat(Files.readString(out)).isEqualTo("pa55word");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                    .isEqualTo("rw-------");

            assertThat(CliTest.run(MessagingCliTest.concat(new String[] {"secret", "ls", room}, conn))
                            .out())
                    .contains("db/password v2");
            assertThat(CliTest.run(MessagingCliTest.concat(
                                    new String[] {"secret", "history", room, "db/password"}, conn))
                            .out())
                    .contains("v2 ")
                    .contains("v1 ");
            assertThat(CliTest.run(MessagingCliTest.concat(new String[] {"secret", "rm", room, "db/password"}, conn))
                            .code())
                    .isZero();
            assertThat(CliTest.run(MessagingCliTest.concat(new String[] {"secret", "get", room, "db/password"}, conn))
                            .code())
                    .isEqualTo(Main.EXIT_FAILED);

            assertThat(CliTest.run(MessagingCliTest.concat(new String[] {"keyring", "rotate"}, conn))
                            .out())
                    .contains("key 2 (current)");
            CliTest.Result status = CliTest.run(MessagingCliTest.concat(new String[] {"keyring", "status"}, conn));
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out())
                    .contains("key 1: 3 items")
                    .contains("key 2 (current): 0 items"); // 2 secret versions, 1 sealed room key
        }
    }
}
