package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets at the shell: the newline rule both ways, empty input refused, --out refreshed in place. */
class SecretShellTest {
    @TempDir
    Path dir;

    @Test
    void newlineRule_emptyInput_andRefreshingAFile() throws Exception {
        try (CliNode node = CliNode.start(dir.resolve("data"))) {
            String room = node.createRoom("shell");
            Path in = dir.resolve("in");

            Files.writeString(in, "pa55word\n");
            assertThat(node.run("secret", "put", room, "db", "--file", in.toString())
                            .code())
                    .isZero();
            assertThat(node.run("secret", "get", room, "db").out()).isEqualTo("pa55word\n");
            Path out = dir.resolve("db.secret");
            assertThat(node.run("secret", "get", room, "db", "--out", out.toString())
                            .code())
                    .isZero();
            assertThat(Files.readString(out)).isEqualTo("pa55word");

            Files.writeString(in, "line\r\n");
            node.run("secret", "put", room, "db", "--file", in.toString());
            assertThat(node.run("secret", "get", room, "db").out()).isEqualTo("line\n");
            Files.writeString(in, "two\n\n");
            node.run("secret", "put", room, "db", "--file", in.toString());
            assertThat(node.run("secret", "get", room, "db").out()).isEqualTo("two\n\n");
            Files.writeString(in, "kept\n");
            node.run("secret", "put", room, "db", "--file", in.toString(), "--raw");
            assertThat(node.run("secret", "get", room, "db").out()).isEqualTo("kept\n\n");

            // The file --out wrote before is replaced, still owner-only.
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
            CliTest.Result refreshed = node.run("secret", "get", room, "db", "--out", out.toString());
            assertThat(refreshed.code()).as(refreshed.err()).isZero();
            assertThat(Files.readString(out)).isEqualTo("kept\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                    .isEqualTo("rw-------");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }

            for (String empty : new String[] {"", "\n"}) {
                Files.writeString(in, empty);
                CliTest.Result r = node.run("secret", "put", room, "db", "--file", in.toString());
                assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
                assertThat(r.err()).startsWith("keyroom: [bad_input] the value is empty");
            }
            assertThat(node.run("secret", "get", room, "db").out()).isEqualTo("kept\n\n");
        }
    }
}
