package dev.keyroom.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL in the middle of writes loses no acknowledged write, and its
 * database opens again.
 */
class SqliteCrashTest {
    @TempDir
    Path dir;

    @Test
    void kill9DuringWrites_losesNoAcknowledgedWrite() throws Exception {
        Path db = dir.resolve("crash.db");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), db.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<EndpointId> acked = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acked.size() < 200 && (line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acked.add(new EndpointId(line.substring(6)));
                }
            }
            // SIGKILL: no shutdown hook, no close. Then read what it printed before dying.
            new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
            child.waitFor(30, TimeUnit.SECONDS);
            while ((line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    acked.add(new EndpointId(line.substring(6)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(200);
        try (SqliteStore reopened = SqliteStore.open(db)) {
            List<EndpointId> stored =
                    reopened.users().list().stream().map(User::endpoint).toList();
            assertThat(stored).containsAll(acked);
            reopened.users().create(dev.keyroom.testkit.Fixtures.user("after", dev.keyroom.core.identity.Role.AGENT));
        }
    }
}
