package dev.keyroom.core.port;

import java.time.Instant;

/**
 * The source of the current time, injected everywhere it matters (signature windows, nonce
 * expiry, timestamps) so that tests can move it.
 */
@FunctionalInterface
public interface Clock {
    Instant now();

    default long epochSecond() {
        return now().getEpochSecond();
    }

    /** The system's wall clock, truncated to milliseconds. */
    static Clock system() {
        return () -> Instant.ofEpochMilli(System.currentTimeMillis());
    }
}
