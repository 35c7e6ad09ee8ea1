package dev.keyroom.server.audit;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a file audit log's writer and sync threads share. The chain's last written entry: the
 * writer advances it, the syncer follows it to fsync and checkpoint what was written, and this
 * object's monitor is the lock between them. And whether the log can still take entries: not once
 * a write or sync failed (the failed state, for good until the node is restarted on a writable
 * disk), nor once it is closing; every refusal is {@code AUDIT_UNAVAILABLE}, so requests that need
 * audit fail closed.
 */
final class AuditLogState {
    /** Logs under the audit log's name, as the log did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(FileAuditLog.class);

    /** One link of the chain: an entry's seq and hash. */
    record Link(long seq, String hash) {}

    /** The chain's last written entry; guarded by this object's monitor. */
    private long writtenSeq;

    private String writtenHash;
    private volatile Throwable failure;
    private volatile boolean closing;

    AuditLogState(Link last) {
        this.writtenSeq = last.seq();
        this.writtenHash = last.hash();
    }

    /** The seq of the last entry written. */
    synchronized long writtenSeq() {
        return writtenSeq;
    }

    /** The last entry written. */
    synchronized Link written() {
        return new Link(writtenSeq, writtenHash);
    }

    /** The writer wrote up to {@code seq}, whose hash is {@code hash}. */
    synchronized void advance(long seq, String hash) {
        writtenSeq = seq;
        writtenHash = hash;
    }

    /**
     * Waits {@code idleMillis} while nothing was written past {@code syncedSeq}, {@code busyMillis}
     * otherwise, or until {@link #wakeAll()}; then the last entry written.
     */
    synchronized Link awaitWritten(long syncedSeq, long idleMillis, long busyMillis) throws InterruptedException {
        wait(writtenSeq == syncedSeq ? idleMillis : busyMillis);
        return new Link(writtenSeq, writtenHash);
    }

    /** Ends the syncer's wait at once (the log is closing). */
    synchronized void wakeAll() {
        notifyAll();
    }

    /** Refuses unless the log can take entries. */
    void requireAvailable() {
        if (failure != null) {
            throw unavailable("the audit log cannot be written", failure);
        }
        if (closing) {
            throw unavailable("the audit log is closing", null);
        }
    }

    static KeyroomException unavailable(String why, Throwable cause) {
        return new KeyroomException(ErrorCode.AUDIT_UNAVAILABLE, "audit unavailable: " + why, cause);
    }

    /** Puts the log in the failed state, logging the first failure only. */
    void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            log.atError().setCause(e).log("the audit log cannot be written; requests that need audit now fail closed");
        }
    }

    /** The failure that put the log in the failed state, or null. */
    Throwable failure() {
        return failure;
    }

    void closing() {
        closing = true;
    }

    boolean isClosing() {
        return closing;
    }
}
