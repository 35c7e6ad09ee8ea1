package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-1: no command-line flag makes a node a backup or a primary; only its config file does, and
 * the one explicit promotion command (REPL-7).
 */
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

    /** REPL-7: one command promotes a backup, under the next site epoch, once. */
    @Test
    void sitePromote_turnsABackupIntoThePrimaryOfTheNextEpoch() throws Exception {
        try (CliNode backup =
                CliNode.start(dir, "replication: {role: backup, primary_url: \"https://primary.example:8443\"}\n")) {
            assertThat(backup.run("site", "status").out()).contains("backup (site epoch 1)");
            CliTest.Result retry = backup.run("site", "retry");
            assertThat(retry.code()).as("a backup sends nothing").isNotZero();
            assertThat(retry.err()).contains("this site is a backup");
            CliTest.Result promoted = backup.run("site", "promote");
            assertThat(promoted.code()).as(promoted.err()).isZero();
            assertThat(promoted.out())
                    .contains("promoted: primary (site epoch 2)")
                    .contains("replication.role: primary");
            assertThat(backup.run("site", "status").out()).contains("primary (site epoch 2)");
            CliTest.Result again = backup.run("site", "promote", "--from-epoch", "2");
            assertThat(again.code()).isNotZero();
            assertThat(again.err()).contains("only a backup can be promoted");
            CliTest.Result noBackup = backup.run("site", "retry");
            assertThat(noBackup.code()).isNotZero();
            assertThat(noBackup.err()).contains("this site feeds no backup");
        }
    }
}
