package dev.keyroom.core.site;

import java.time.Instant;
import java.util.Optional;

/**
 * A site's epoch and what happened to it (REPL-7): the site key promoted to it and when, and a
 * higher epoch this site learnt of while it was a primary (it is then fenced), 0 if none.
 */
public record Site(long epoch, Optional<byte[]> promotedKey, Optional<Instant> promotedAt, long fencedBy) {
    public boolean fenced() {
        return fencedBy > epoch;
    }
}
