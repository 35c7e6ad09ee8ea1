package dev.keyroom.core.audit;

/**
 * The append-only, hash-chained audit log (LOG-4).
 *
 * <p>Guarantees: {@link #record} returns once the entry is written in order (handed to the
 * operating system; made durable shortly after, in groups), so an entry that returned is in the
 * log even if the process dies. It adds no fsync wait to the caller.
 *
 * <p>Errors: when the log cannot be written, or its queue stays full longer than a bounded time,
 * {@link #record} and {@link #requireAvailable} raise {@code AUDIT_UNAVAILABLE}, and whatever
 * needed the entry must fail closed.
 */
public interface AuditLog {

    /** Records an event; returns once written. */
    void record(AuditEvent event);

    /**
     * Records the entry of a refusal that stands whether or not the entry is written: while the log
     * is unavailable, the refusal is made all the same (it changes nothing to fail closed on).
     */
    default void recordRefusal(AuditEvent event) {
        try {
            record(event);
        } catch (dev.keyroom.core.error.KeyroomException unavailable) {
            // the refusal stands either way
        }
    }

    /** Raises {@code AUDIT_UNAVAILABLE} when a {@link #record} now would fail; checked before a write. */
    void requireAvailable();
}
