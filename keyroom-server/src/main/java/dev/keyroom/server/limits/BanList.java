package dev.keyroom.server.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bans that outlive a restart (DOS-7). A subject refused by a rate limit {@code threshold} times
 * within one minute is banned for {@code duration}; the ban is written to the store before it
 * takes effect and read back at start. Checking a ban is a map lookup.
 */
public final class BanList {
    private static final Logger log = LoggerFactory.getLogger(BanList.class);
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Bans store;
    private final Clock clock;
    private final int threshold;
    private final Duration duration;
    private final Map<String, Instant> active = new ConcurrentHashMap<>();
    private final Cache<String, AtomicInteger> refusals;
    /** Refusals per subject in the hour from its first, for operators (the console's limits page). */
    private final Cache<String, AtomicInteger> lastHour = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofHours(1))
            .build();

    public BanList(Bans store, Clock clock, int threshold, Duration duration) {
        this.store = store;
        this.clock = clock;
        this.threshold = threshold;
        this.duration = duration;
        this.refusals = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(WINDOW)
                .build();
        for (Ban b : store.active(clock.now())) {
            active.put(b.subject(), b.until());
        }
    }

    /** When {@code subject} is banned, the end of its ban. */
    public Optional<Instant> bannedUntil(String subject) {
        Instant until = active.get(subject);
        if (until == null) {
            return Optional.empty();
        }
        if (!until.isAfter(clock.now())) {
            active.remove(subject, until);
            return Optional.empty();
        }
        return Optional.of(until);
    }

    /** Bans {@code subject} for {@code duration} at once, written to the store first (DOS-7). */
    public void ban(String subject, Duration duration, String reason) {
        Instant until = clock.now().plus(duration);
        store.put(new Ban(subject, until, reason));
        active.put(subject, until);
        log.atWarn()
                .addKeyValue("subject", subject)
                .addKeyValue("until", until.toString())
                .addKeyValue("reason", reason)
                .log("banned");
    }

    /** Takes in a ban recorded elsewhere (another node of the cluster); the later end wins. */
    public void adopt(Ban ban) {
        active.merge(ban.subject(), ban.until(), (a, b) -> a.isAfter(b) ? a : b);
    }

    /**
     * Lifts the ban of {@code subject} (an admin's call): deleted from the store first, then no
     * longer refused here, its count towards the next ban started afresh; false when there was none.
     */
    public boolean lift(String subject) {
        boolean had = store.delete(subject);
        forget(subject);
        refusals.invalidate(subject);
        return had;
    }

    /** Stops refusing {@code subject} for a ban lifted elsewhere (another node of the cluster). */
    public void forget(String subject) {
        active.remove(subject);
    }

    /** A subject and the refusals its buckets made in the hour since its first one. */
    public record Refused(String subject, int refusals) {}

    /** The {@code n} subjects most refused by their buckets, most first. */
    public List<Refused> mostRefused(int n) {
        return lastHour.asMap().entrySet().stream()
                .map(e -> new Refused(e.getKey(), e.getValue().get()))
                .sorted(Comparator.comparingInt(Refused::refusals).reversed().thenComparing(Refused::subject))
                .limit(n)
                .toList();
    }

    /** Counts a refusal of {@code subject}; bans it when it reaches the threshold within the window. */
    public void recordRefusal(String subject, String reason) {
        lastHour.get(subject, k -> new AtomicInteger()).incrementAndGet();
        int n = refusals.get(subject, k -> new AtomicInteger()).incrementAndGet();
        if (n == threshold) {
            ban(subject, duration, reason);
            refusals.invalidate(subject);
        }
    }

    public int size() {
        return active.size();
    }
}
