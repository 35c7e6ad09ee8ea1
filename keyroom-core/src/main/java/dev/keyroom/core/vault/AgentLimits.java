package dev.keyroom.core.vault;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many distinct secrets an agent may touch by name (AZ-6): at most {@code perMinute} in any
 * minute and {@code perHour} in any hour. A read counts, and so does a write to a name that exists
 * or a delete, since their answers tell whether a name exists and its version (creating a new name
 * does not: {@link VaultService#put}); touching one it touched within the hour again does not
 * count. A touch beyond that is a breach, refused with 429 and stored; a second breach within {@code lockWindow}
 * locks the agent (403 {@code agent_locked} from then on, across restarts, until an admin unlocks
 * it). The reads themselves are counted in memory, bounded per agent by {@code perHour}.
 */
public final class AgentLimits {
    public record Settings(int perMinute, int perHour, Duration lockWindow) {
        public static final Settings DEFAULT = new Settings(3, 10, Duration.ofHours(2));
    }

    private record Read(Instant at, String secret) {}

    private final Breaches store;
    private final UserService users;
    private final Clock clock;
    private final Settings settings;
    private final Map<EndpointId, Deque<Read>> reads = new ConcurrentHashMap<>();

    public AgentLimits(Breaches store, UserService users, Clock clock, Settings settings) {
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.settings = settings;
    }

    /** Whether {@code agent} touched {@code secret} within the hour, so that touching it again is free. */
    public boolean touched(EndpointId agent, String secret) {
        Deque<Read> mine = reads.get(agent);
        if (mine == null) {
            return false;
        }
        Instant hourAgo = clock.now().minus(Duration.ofHours(1));
        synchronized (mine) {
            return mine.stream().anyMatch(r -> r.secret().equals(secret) && !r.at().isBefore(hourAgo));
        }
    }

    /** Admits a touch of {@code secret} (room and name) by {@code agent}, or refuses it. */
    public void admit(EndpointId agent, String secret) {
        Instant now = clock.now();
        Deque<Read> mine = reads.computeIfAbsent(agent, a -> new ArrayDeque<>());
        synchronized (mine) {
            while (!mine.isEmpty() && mine.peekFirst().at().isBefore(now.minus(Duration.ofHours(1)))) {
                mine.removeFirst();
            }
            if (mine.stream().anyMatch(r -> r.secret().equals(secret))) {
                return;
            }
            long lastMinute = mine.stream()
                    .filter(r -> !r.at().isBefore(now.minus(Duration.ofMinutes(1))))
                    .count();
            if (lastMinute < settings.perMinute() && mine.size() < settings.perHour()) {
                mine.addLast(new Read(now, secret));
                return;
            }
        }
        int breaches = store.record(agent, now, now.minus(settings.lockWindow()));
        if (breaches >= 2) {
            users.lock(agent);
            throw new KeyroomException(
                    ErrorCode.AGENT_LOCKED, "too many distinct secrets read again; an admin must unlock this agent");
        }
        throw new KeyroomException(
                ErrorCode.RATE_LIMITED,
                "too many distinct secrets read (" + settings.perMinute() + " a minute, " + settings.perHour()
                        + " an hour); another breach within "
                        + settings.lockWindow().toHours()
                        + " hours locks this agent");
    }
}
