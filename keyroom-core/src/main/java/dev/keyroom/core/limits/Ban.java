package dev.keyroom.core.limits;

import java.time.Instant;
import java.util.Objects;

/**
 * A subject (a client address, {@code addr:<ip>}, or an identity, {@code id:<endpoint>}) refused
 * until {@code until}. Bans are durable so that a restart does not lift them (DOS-7).
 */
public record Ban(String subject, Instant until, String reason) {
    public static final int MAX_SUBJECT_LENGTH = 128;

    public Ban {
        Objects.requireNonNull(until, "until");
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw new IllegalArgumentException("a ban subject is 1 to 128 characters");
        }
        if (reason == null || reason.length() > 256) {
            throw new IllegalArgumentException("a ban reason is at most 256 characters");
        }
    }

    public boolean activeAt(Instant now) {
        return until.isAfter(now);
    }
}
