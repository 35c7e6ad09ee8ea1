package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditLog} must do (LOG-4): an entry whose {@code record} returned is in the
 * log's storage at once, in order, as it was recorded, hash-chained to the one before; the chain
 * goes on across a reopen and an edit of a stored entry is found; a log that cannot write fails
 * closed ({@code AUDIT_UNAVAILABLE}) and loses nothing it had acknowledged; a refusal's entry is
 * recorded like any other but never makes the refusal fail; concurrent records are all kept, once
 * each.
 *
 * <p>An implementation extends it with a storage of the test's own ({@code @TempDir}, say): {@link
 * #open()} opens the log on it, {@link #stored()} reads the storage back the way an auditor would
 * (not through the log object), {@link #breakStorage()} makes it refuse writes as a full disk does.
 */
public abstract class AuditLogContract {
    /** What the storage holds, read back from it: the entries in order, and the chain's first problem. */
    public record Stored(List<AuditEvent> events, Optional<String> problem) {}

    /** Opens the log on this test's storage, creating it, or continuing the entries already there. */
    protected abstract AuditLog open() throws Exception;

    /** Closes {@code log} as at a clean stop. */
    protected abstract void close(AuditLog log) throws Exception;

    /**
     * Reads the storage back as a verifier would, without the log: every entry in order, and the
     * first place where the chain does not verify (empty when all of it does).
     */
    protected abstract Stored stored() throws Exception;

    /** From now on the storage refuses writes and syncs, as a full disk does. */
    protected abstract void breakStorage();

    /** The storage takes writes again (the disk has room); a log opened from now on can write. */
    protected abstract void repairStorage();

    /**
     * Edits the stored entry at {@code index} (0 for the first) in place, as someone with write
     * access to the storage would: its content changes, nothing is re-chained.
     */
    protected abstract void editStoredEntry(int index) throws Exception;

    protected AuditLog log;

    @BeforeEach
    void openLog() throws Exception {
        log = open();
    }

    @AfterEach
    void closeLog() throws Exception {
        repairStorage();
        if (log != null) {
            close(log);
        }
    }

    /** Closes the log and opens it again on the same storage, as a restart does. */
    protected void reopen() throws Exception {
        AuditLog old = log;
        log = null;
        close(old);
        log = open();
    }

    protected static AuditEvent event(String actor, int i) {
        return new AuditEvent(actor, "POST", "/v1/rooms/" + i, "201", "req-" + actor + "-" + i, "127.0.0.1");
    }

    protected static void assertUnavailable(Runnable r) {
        assertThatThrownBy(r::run)
                .isInstanceOf(KeyroomException.class)
                .extracting(e -> ((KeyroomException) e).code())
                .isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
    }

    @Test
    void anEntryThatReturned_isInTheStorageAtOnce_inOrder_andChained() throws Exception {
        assertThat(stored().events()).as("a new log holds nothing").isEmpty();
        log.requireAvailable();
        List<AuditEvent> recorded = List.of(event("alice", 1), event("bob", 2), event("alice", 3));
        for (AuditEvent e : recorded) {
            log.record(e);
        }
        // Read while the log is still open: what returned must not wait for a clean stop.
        Stored s = stored();
        assertThat(s.events()).containsExactlyElementsOf(recorded);
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void anEntry_isKeptAsRecorded_evenWithNewlinesQuotesAndNonAsciiText() throws Exception {
        AuditEvent odd = new AuditEvent(
                "-",
                "GET",
                "/v1/rooms/\"x\"\n{\"seq\":1,\"forged\":true}",
                "400 bad_request: caf\u00e9 \u2603 \\ \t",
                "req-\u0000-\u001f",
                "::1");
        log.record(odd);
        log.record(event("alice", 2));
        Stored s = stored();
        assertThat(s.events())
                .as("one entry each; a newline in a field does not start another")
                .containsExactly(odd, event("alice", 2));
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void theChain_goesOnAcrossAReopen() throws Exception {
        log.record(event("alice", 1));
        log.record(event("alice", 2));
        reopen();
        log.record(event("bob", 3));
        reopen();
        log.record(event("bob", 4));
        Stored s = stored();
        assertThat(s.events()).containsExactly(event("alice", 1), event("alice", 2), event("bob", 3), event("bob", 4));
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void anEditedEntry_isFoundByTheChain() throws Exception {
        for (int i = 1; i <= 4; i++) {
            log.record(event("alice", i));
        }
        AuditLog old = log;
        log = null;
        close(old);
        assertThat(stored().problem()).isEmpty();
        editStoredEntry(1);
        assertThat(stored().problem()).as("the second entry was edited").isPresent();
    }

    @Test
    void aLogThatCannotWrite_failsClosed_andKeepsWhatItAcknowledged() throws Exception {
        log.record(event("alice", 1));
        breakStorage();
        assertUnavailable(() -> log.record(event("alice", 2)));
        assertUnavailable(log::requireAvailable);
        assertUnavailable(() -> log.record(event("alice", 3)));

        Stored s = stored();
        assertThat(s.events()).as("what returned is kept").startsWith(event("alice", 1));
        assertThat(s.problem()).as("a failed write leaves no broken chain").isEmpty();

        repairStorage();
        reopen();
        log.requireAvailable();
        log.record(event("bob", 4));
        s = stored();
        assertThat(s.events()).startsWith(event("alice", 1)).endsWith(event("bob", 4));
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void aRefusal_isRecordedLikeAnyEntry_whileTheLogWorks() throws Exception {
        log.record(event("alice", 1));
        log.recordRefusal(event("mallory", 2));
        log.record(event("alice", 3));
        Stored s = stored();
        assertThat(s.events()).containsExactly(event("alice", 1), event("mallory", 2), event("alice", 3));
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void aRefusal_standsWhileTheLogCannotWrite_butOtherEntriesFailClosed() throws Exception {
        log.record(event("alice", 1));
        breakStorage();
        assertThatCode(() -> log.recordRefusal(event("mallory", 2))).doesNotThrowAnyException();
        assertThatCode(() -> log.recordRefusal(event("mallory", 3))).doesNotThrowAnyException();
        assertUnavailable(log::requireAvailable);
        assertUnavailable(() -> log.record(event("alice", 4)));
    }

    @Test
    void concurrentRecords_areAllKept_onceEach_eachCallersInOrder_andChained() throws Exception {
        int threads = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "caller-" + t;
                tasks.add(() -> {
                    for (int i = 0; i < each; i++) {
                        log.record(event(actor, i));
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Stored s = stored();
        assertThat(s.problem()).isEmpty();
        assertThat(s.events()).hasSize(threads * each).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String actor = "caller-" + t;
            List<AuditEvent> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(event(actor, i));
            }
            assertThat(s.events().stream().filter(e -> e.actor().equals(actor)).toList())
                    .as("a caller's entries in the order it recorded them")
                    .containsExactlyElementsOf(expected);
        }
    }
}
