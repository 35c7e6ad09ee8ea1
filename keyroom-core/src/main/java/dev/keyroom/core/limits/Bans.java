package dev.keyroom.core.limits;

import java.time.Instant;
import java.util.List;

/** Bans of client addresses and identities (DOS-7). The guarantees and errors of {@code Store} hold. */
public interface Bans {
    /** Records a ban, replacing any earlier ban of the same subject. */
    void put(Ban ban);

    /** Bans still in force at {@code now}, ordered by subject. */
    List<Ban> active(Instant now);

    /** Lifts a ban; false when there was none. */
    boolean delete(String subject);
}
