package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyroom migrate} refuses what it cannot do with a clear message and changes nothing. */
class MigrateCliTest {
    @TempDir
    Path dir;

    @Test
    void onlySqliteToJetStream_andOnlyWithAClusterSection() {
        CliTest.Result other = CliTest.run("migrate", "--from", "disk", "--to", "jetstream", "--data", dir.toString());
        assertThat(other.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(other.err()).contains("only --from sqlite --to jetstream");

        assertThat(CliTest.run("init", "--data", dir.toString()).code()).isZero();
        CliTest.Result noCluster =
                CliTest.run("migrate", "--from", "sqlite", "--to", "jetstream", "--data", dir.toString());
        assertThat(noCluster.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(noCluster.err()).contains("no cluster section");
    }
}
