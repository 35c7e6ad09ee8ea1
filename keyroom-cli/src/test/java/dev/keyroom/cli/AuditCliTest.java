package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** LOG-4: {@code audit tail} reads the log; {@code audit verify} finds an edited, deleted or reordered entry on disk. */
class AuditCliTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void tailShowsTheTrail_andVerifyNamesTheFirstBadEntryAfterTampering() throws Exception {
        Path data = dir.resolve("data");
        try (CliNode node = CliNode.start(data)) {
            for (String name : List.of("a", "b", "c")) {
                assertThat(node.run("room", "create", name).code()).isZero();
            }
            CliTest.Result tail = node.run("audit", "tail");
            assertThat(tail.code()).as(tail.err()).isZero();
            assertThat(tail.out()).contains("POST /v1/rooms started").contains("POST /v1/rooms 201");
        }

        CliTest.Result ok = CliTest.run("audit", "verify", "--data", data.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("ok: 6 entries").contains("signed checkpoints verified");

        Path log = new DataDir(data).audit().resolve("audit.log");
        List<String> honest = Files.readAllLines(log);

        List<String> edited = new ArrayList<>(honest);
        edited.set(3, edited.get(3).replace("\"201\"", "\"403 forbidden\""));
        Files.write(log, edited);
        CliTest.Result e = CliTest.run("audit", "verify", "--data", data.toString());
        assertThat(e.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(e.out()).startsWith("FAILED: entry 4:").contains("edited");

        List<String> deleted = new ArrayList<>(honest);
        deleted.remove(2);
        Files.write(log, deleted);
        assertThat(CliTest.run("audit", "verify", "--data", data.toString()).out())
                .startsWith("FAILED: entry 3:");

        List<String> reordered = new ArrayList<>(honest);
        reordered.set(1, honest.get(2));
        reordered.set(2, honest.get(1));
        Files.write(log, reordered);
        assertThat(CliTest.run("audit", "verify", "--data", data.toString()).out())
                .startsWith("FAILED: entry 2:");

        Files.write(log, honest.subList(0, 4));
        assertThat(CliTest.run("audit", "verify", "--data", data.toString()).out())
                .startsWith("FAILED: entry 5:")
                .contains("cut from the end");
    }

    /** A backup's copy of a primary's log verifies by its chain alone; an edit in it is found. */
    @Test
    void verifyCopy_checksABackupsCopyOfAPrimarysLog() throws Exception {
        List<String> lines = new ArrayList<>();
        String prev = dev.keyroom.protocol.audit.AuditChain.GENESIS;
        for (int i = 1; i <= 3; i++) {
            String line = dev.keyroom.protocol.audit.AuditChain.line(
                    i,
                    "2026-11-22T00:00:00Z",
                    new dev.keyroom.core.audit.AuditEvent("a", "POST", "/v1/rooms", "201", "r" + i, "-"),
                    prev);
            lines.add(line);
            prev = dev.keyroom.protocol.audit.AuditChain.parse(line).hash();
        }
        Path copy = dir.resolve("copy.log");
        Files.write(copy, lines);
        assertThat(CliTest.run("audit", "verify", "--copy", copy.toString()).out())
                .startsWith("ok: 3 entries");
        Files.write(copy, List.of(lines.get(0), lines.get(1).replace("201", "200"), lines.get(2)));
        CliTest.Result bad = CliTest.run("audit", "verify", "--copy", copy.toString());
        assertThat(bad.out()).startsWith("FAILED: entry 2:");
        assertThat(bad.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(CliTest.run("audit", "verify").code()).isEqualTo(Main.EXIT_USAGE);
    }
}
