package dev.keyroom.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.audit.FileAuditLog;
import dev.keyroom.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's pages of a real audit log: newest first, filtered, bounded, and the chain of what was read. */
class AuditBrowserTest {
    @TempDir
    Path dir;

    static AuditBrowser.Filter resource(String part) {
        return new AuditBrowser.Filter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(part),
                Optional.empty(),
                Optional.empty());
    }

    FileAuditLog log(int entries) throws Exception {
        FileAuditLog log = FileAuditLog.open(
                dir,
                () -> Identity.generate(new SecureRandom()),
                TestClock.atSystemTime(),
                FileAuditLog.Settings.DEFAULT,
                FileAuditLog.FILES);
        for (int i = 1; i <= entries; i++) {
            log.record(new AuditEvent(
                    "actor",
                    i % 10 == 0 ? "POST" : "GET",
                    "/v1/things/" + i,
                    i % 7 == 0 ? "401 unauthorized" : "200",
                    "req-" + i,
                    "127.0.0.1"));
        }
        return log;
    }

    @Test
    void pages_runNewestFirst_filtered_andGoOnWhereTheyStopped() throws Exception {
        try (FileAuditLog log = log(2500)) {
            AuditBrowser browser = new AuditBrowser(log);
            AuditBrowser.Page newest = browser.before(AuditBrowser.Filter.ALL, 0, 3);
            assertThat(newest.entries()).extracting(AuditChain.Entry::seq).containsExactly(2500L, 2499L, 2498L);
            assertThat(newest.nextBefore()).isEqualTo(2498L);
            assertThat(newest.chain().ok()).isTrue();

            AuditBrowser.Filter denied = new AuditBrowser.Filter(
                    Optional.empty(),
                    Optional.of("get"),
                    Optional.of("401"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            List<Long> seqs = new ArrayList<>();
            Long before = 0L;
            while (before != null) {
                AuditBrowser.Page p = browser.before(denied, before, 50);
                assertThat(p.chain().ok()).isTrue();
                p.entries().forEach(e -> seqs.add(e.seq()));
                before = p.nextBefore();
            }
            assertThat(seqs).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(seqs).allMatch(s -> s % 7 == 0 && s % 10 != 0);
            assertThat(seqs).hasSize((int) java.util.stream.LongStream.rangeClosed(1, 2500)
                    .filter(s -> s % 7 == 0 && s % 10 != 0)
                    .count());

            AuditBrowser.Page live = browser.after(resource("/v1/things/249"), 2400);
            assertThat(live.entries())
                    .extracting(AuditChain.Entry::seq)
                    .containsExactly(2499L, 2498L, 2497L, 2496L, 2495L, 2494L, 2493L, 2492L, 2491L, 2490L);
            assertThat(live.chain()).isEqualTo(new AuditBrowser.Chain(2401, 2500, true, null));
        }
    }

    @Test
    void aRewrittenEntry_breaksTheChainOfThePageThatReadsIt() throws Exception {
        try (FileAuditLog log = log(30)) {
            // Entry 12 replaced by a well-formed line, hashed over its own content, that does not follow entry 11.
            Path file = dir.resolve("audit.log");
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            AuditChain.Entry old = AuditChain.parse(lines.get(11));
            lines.set(
                    11,
                    AuditChain.line(
                            12,
                            old.time(),
                            new AuditEvent("intruder", "GET", "/v1/things/12", "200", "req-12", "127.0.0.1"),
                            "f".repeat(64)));
            Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));

            AuditBrowser browser = new AuditBrowser(log);
            AuditBrowser.Page all = browser.before(AuditBrowser.Filter.ALL, 0, 50);
            assertThat(all.chain().ok()).isFalse();
            assertThat(all.chain().problem()).startsWith("entry 12: prev_hash is not the hash of entry 11");
            AuditBrowser.Page later = browser.after(AuditBrowser.Filter.ALL, 15);
            assertThat(later.chain())
                    .as("a page that reads entries 16 to 30 only, linked to entry 15, is not concerned")
                    .isEqualTo(new AuditBrowser.Chain(16, 30, true, null));
        }
    }
}
