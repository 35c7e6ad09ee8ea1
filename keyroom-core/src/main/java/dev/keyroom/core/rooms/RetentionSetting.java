package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import java.time.Duration;
import java.util.Optional;

/**
 * A room's own retention of message history and of secret versions: each part overrides the
 * server's default when present. Bounded like the
 * server's settings, so that no room can ask for unbounded history.
 */
public record RetentionSetting(Optional<Integer> count, Optional<Integer> days, Optional<Integer> secretVersions) {
    public static final int MAX_COUNT = 10_000_000;
    public static final int MAX_DAYS = 3650;
    public static final int MAX_SECRET_VERSIONS = 1000;
    public static final RetentionSetting DEFAULT =
            new RetentionSetting(Optional.empty(), Optional.empty(), Optional.empty());

    public RetentionSetting {
        if (count.isPresent() && (count.get() < 1 || count.get() > MAX_COUNT)) {
            throw KeyroomException.badRequest("retain_count must be 1 to " + MAX_COUNT);
        }
        if (days.isPresent() && (days.get() < 1 || days.get() > MAX_DAYS)) {
            throw KeyroomException.badRequest("retain_days must be 1 to " + MAX_DAYS);
        }
        if (secretVersions.isPresent() && (secretVersions.get() < 1 || secretVersions.get() > MAX_SECRET_VERSIONS)) {
            throw KeyroomException.badRequest("secret_versions must be 1 to " + MAX_SECRET_VERSIONS);
        }
    }

    /** Versions of each secret the room keeps when the server's default is {@code fallback}. */
    public int secretVersions(int fallback) {
        return secretVersions.orElse(fallback);
    }

    /** What applies to the room when the server's default is {@code fallback}. */
    public Retention resolve(Retention fallback) {
        return new Retention(
                count.orElse(fallback.count()),
                days.map(d -> Duration.ofDays(d)).orElse(fallback.age()));
    }
}
