package dev.keyroom.core.port;

import dev.keyroom.core.limits.Ban;
import java.time.Instant;
import java.util.List;

/** Bans of client addresses and identities (DOS-7). The guarantees and errors of {@link Store} hold. */
public interface Bans {
    /** Records a ban, replacing any earlier ban of the same subject. */
    void put(Ban ban);

    /** Bans still in force at {@code now}, ordered by subject. */
    List<Ban> active(Instant now);

    /** Lifts a ban; false when there was none. */
    boolean delete(String subject);
}
