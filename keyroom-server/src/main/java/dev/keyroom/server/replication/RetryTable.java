package dev.keyroom.server.replication;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the replication worker stands in its retry table ({@link ReplicationWorker#BACKOFF}: after
 * 1, 5, 25, 125 and 625 s, then every 625 s): the failures in a row, the last error, and the wait
 * for the next retry, which an operator can cut short ({@link #retryNow()}).
 */
final class RetryTable {
    /** Logs under the worker's name, as the worker did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);

    /** Failures in a row; the worker's thread's own. */
    private int failures;

    private volatile String lastError = "";
    /** Set by an operator's {@link #retryNow()}: the wait for the next retry ends at once. */
    private volatile boolean retryNow;

    /** Whether the worker is waiting for its next retry. */
    private volatile boolean retrying;

    /** When the worker retries next (System.nanoTime()), while it waits to. */
    private volatile long retryAt;

    /** The last failure's message; empty after a round that went through. */
    String lastError() {
        return lastError;
    }

    /** Names why the worker sends nothing while it is not failing (a fenced site). */
    void lastError(String error) {
        lastError = error;
    }

    /** A round went through: the table starts over. */
    void succeeded() {
        failures = 0;
        lastError = "";
    }

    /** Counts a failure and logs it; returns how long to wait before the retry. */
    Duration failed(Exception e) {
        failures++;
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        Duration wait = ReplicationWorker.BACKOFF.get(Math.min(failures, ReplicationWorker.BACKOFF.size()) - 1);
        log.atWarn()
                .addKeyValue("failures", failures)
                .addKeyValue("retry_s", wait.toSeconds())
                .addKeyValue("error", lastError)
                .log("replication to the backup failed");
        return wait;
    }

    /** Whether the last failure was the table's last step: the time to alert, once. */
    boolean exhausted() {
        return failures == ReplicationWorker.BACKOFF.size();
    }

    /**
     * Cuts the wait for the next retry short, once (an operator who brought the backup back says
     * so: {@code keyroom site retry}); the table goes on where it was if that retry fails too.
     * Whether the worker was waiting to retry.
     */
    boolean retryNow() {
        boolean waiting = retrying;
        retryNow = true;
        return waiting;
    }

    /** How long until the next retry, while the worker waits to retry after a failure. */
    Optional<Duration> nextRetry() {
        long at = retryAt;
        return retrying ? Optional.of(Duration.ofNanos(Math.max(0, at - System.nanoTime()))) : Optional.empty();
    }

    /** Waits {@code d}, or until {@code closed} or an operator's {@link #retryNow()}. */
    void waitToRetry(Duration d, BooleanSupplier closed) {
        long until = System.nanoTime() + d.toNanos();
        retryNow = false;
        retryAt = until;
        retrying = true;
        try {
            waitUntil(until, closed);
        } finally {
            retrying = false;
        }
    }

    private void waitUntil(long until, BooleanSupplier closed) {
        while (!closed.getAsBoolean() && !retryNow && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
