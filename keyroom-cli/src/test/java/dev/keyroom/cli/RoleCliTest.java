package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REPL-1: no command-line flag makes a node a backup or a primary; only its config file does. */
class RoleCliTest {
    @TempDir
    Path dir;

    @Test
    void theServerCommandTakesNoRoleFlag() {
        for (String flag : new String[] {"--role", "--backup", "--primary", "--replication-role"}) {
            CliTest.Result r = CliTest.run("server", "--data", dir.toString(), flag, "backup");
            assertThat(r.code()).as(flag).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err()).as(flag).contains("Unknown option");
        }
    }
}
