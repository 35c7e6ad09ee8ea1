package dev.keyroom.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.testkit.TestClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the audit log from a sequence: the same entries whether the read starts from an offset
 * learnt while writing, one learnt while reading entries written before a restart, or the start.
 */
class FileAuditLogReadTest {
    @TempDir
    Path dir;

    static List<Long> seqs(List<String> lines) throws AuditChain.FormatException {
        List<Long> out = new java.util.ArrayList<>();
        for (String l : lines) {
            out.add(AuditChain.parse(l).seq());
        }
        return out;
    }

    static void record(FileAuditLog log, int n) {
        for (int i = 0; i < n; i++) {
            log.record(new AuditEvent("actor", "GET", "/v1/me", "ok " + i, "req-" + i, "127.0.0.1"));
        }
    }

    @Test
    void readsFromAnyEntry_beforeAndAfterARestart() throws Exception {
        TestClock clock = TestClock.atSystemTime();
        FileAuditLog.SignerSource key = () -> Identity.generate(new SecureRandom());
        try (FileAuditLog log = FileAuditLog.open(dir, key, clock, FileAuditLog.Settings.DEFAULT, FileAuditLog.FILES)) {
            record(log, 2500);
            assertThat(seqs(log.linesAfter(0, 3))).containsExactly(1L, 2L, 3L);
            assertThat(seqs(log.linesAfter(999, 3))).containsExactly(1000L, 1001L, 1002L);
            assertThat(seqs(log.linesAfter(1999, 5))).containsExactly(2000L, 2001L, 2002L, 2003L, 2004L);
            assertThat(log.linesAfter(2500, 10)).isEmpty();
        }
        try (FileAuditLog log = FileAuditLog.open(dir, key, clock, FileAuditLog.Settings.DEFAULT, FileAuditLog.FILES)) {
            assertThat(seqs(log.linesAfter(2400, 200)))
                    .hasSize(100)
                    .startsWith(2401L)
                    .endsWith(2500L);
            assertThat(seqs(log.linesAfter(1500, 2))).containsExactly(1501L, 1502L); // offset learnt by the read above
            record(log, 1000);
            assertThat(seqs(log.linesAfter(3000, 3))).containsExactly(3001L, 3002L, 3003L);
            assertThat(log.after(3497, 10)).extracting(AuditChain.Entry::seq).containsExactly(3498L, 3499L, 3500L);
        }
    }
}
