package dev.keyroom.server.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Token buckets by key (a client address or an identity), by Bucket4j, held in a bounded cache so
 * that a flood of distinct keys cannot grow memory without bound (DOS-3). A bucket holds up to
 * {@code burst} tokens and refills {@code rate} a second.
 */
public final class RateLimiter {
    /** A named policy, rendered as the IETF httpapi draft's {@code RateLimit-Policy} item. */
    public record Policy(String name, int rate, int burst) {
        /** Seconds a drained bucket takes to fill up again. */
        public long windowSeconds() {
            return Math.max(1, (burst + rate - 1) / rate);
        }

        public String header() {
            return "\"" + name + "\";q=" + burst + ";w=" + windowSeconds();
        }
    }

    /** The outcome of taking one token. */
    public sealed interface Decision {
        Policy policy();

        /** The {@code RateLimit} header item for this decision. */
        String header();

        record Allowed(Policy policy, long remaining) implements Decision {
            @Override
            public String header() {
                long secondsToFull = (policy.burst() - remaining + policy.rate() - 1) / policy.rate();
                return "\"" + policy.name() + "\";r=" + remaining + ";t=" + secondsToFull;
            }
        }

        record Refused(Policy policy, long retryAfterSeconds) implements Decision {
            @Override
            public String header() {
                return "\"" + policy.name() + "\";r=0;t=" + retryAfterSeconds;
            }
        }
    }

    private final Policy policy;
    private final Cache<String, Bucket> buckets;

    public RateLimiter(Policy policy, int maxKeys) {
        this.policy = policy;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofSeconds(Math.max(60, policy.windowSeconds() * 2)))
                .build();
    }

    public Policy policy() {
        return policy;
    }

    public Decision tryAcquire(String key) {
        Bucket bucket = buckets.get(
                key,
                k -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(policy.burst())
                                .refillGreedy(policy.rate(), Duration.ofSeconds(1))
                                .build())
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return new Decision.Allowed(policy, probe.getRemainingTokens());
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Decision.Refused(policy, seconds);
    }
}
