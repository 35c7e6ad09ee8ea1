package dev.keyroom.server.limits;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.config.Limits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;

/**
 * The per-request limits in the order a request meets them: the client address's ban and token
 * bucket (before anything is read), the route's body ceiling (before the headers are checked), the
 * in-flight budget (once the headers are authenticated, before the body is read) and the body's
 * deadline, then, once the request is authenticated whole, the identity's ban and token bucket. Each refusal sets
 * {@code Retry-After} and the IETF httpapi {@code RateLimit-Policy} / {@code RateLimit} headers on
 * the response and throws the protocol's error.
 */
public final class RequestGate {
    /** Routes whose bodies are blobs: streamed to disk under the blob ceiling. */
    static final Pattern BLOB_ROUTE = Pattern.compile("^/v1/rooms/[0-9a-f]{32}/blobs/[0-9a-f]{64}$");

    private final Limits limits;
    private final Clock clock;
    private final InflightBudget budget;
    private final RateLimiter perAddress;
    private final RateLimiter perIdentity;
    private final BanList bans;
    private final Counter refusedAddress;
    private final Counter refusedIdentity;
    private final Counter refusedBudget;
    private final Counter refusedClientBudget;
    private final Counter refusedBanned;

    public RequestGate(Limits limits, Clock clock, InflightBudget budget, BanList bans, MeterRegistry metrics) {
        this.limits = limits;
        this.clock = clock;
        this.budget = budget;
        this.bans = bans;
        this.perAddress = new RateLimiter(
                new RateLimiter.Policy("addr", limits.ratePerAddress(), limits.burstPerAddress()), 100_000);
        this.perIdentity = new RateLimiter(
                new RateLimiter.Policy("id", limits.ratePerIdentity(), limits.burstPerIdentity()), 100_000);
        this.refusedAddress = refused(metrics, "address");
        this.refusedIdentity = refused(metrics, "identity");
        this.refusedBudget = refused(metrics, "budget");
        this.refusedClientBudget = refused(metrics, "client_budget");
        this.refusedBanned = refused(metrics, "banned");
    }

    private static Counter refused(MeterRegistry m, String limit) {
        return Counter.builder("keyroom.limits.refused")
                .tag("limit", limit)
                .description("requests refused by a limit")
                .register(m);
    }

    /** DOS-3: the client address's ban and bucket. Loopback is exempt unless configured otherwise. */
    public void admitAddress(InetAddress client, HttpFields.Mutable headers) {
        if (client == null || (client.isLoopbackAddress() && !limits.rateLimitLoopback())) {
            return;
        }
        admit("addr:", client.getHostAddress(), perAddress, refusedAddress, "address", headers);
    }

    /** DOS-3: the authenticated identity's ban and bucket. */
    public void admitIdentity(EndpointId caller, HttpFields.Mutable headers) {
        admit("id:", caller.value(), perIdentity, refusedIdentity, "identity", headers);
    }

    /** One subject's ban, then its bucket; repeated refusals are counted towards a ban (DOS-7). */
    private void admit(
            String kind, String key, RateLimiter limiter, Counter refused, String what, HttpFields.Mutable headers) {
        String subject = kind + key;
        refuseIfBanned(subject, headers);
        RateLimiter.Decision d = limiter.tryAcquire(key);
        apply(d, headers);
        if (d instanceof RateLimiter.Decision.Refused) {
            refused.increment();
            bans.recordRefusal(subject, "rate limit per " + what);
            throw new KeyroomException(ErrorCode.RATE_LIMITED, "too many requests from this " + what);
        }
    }

    private void refuseIfBanned(String subject, HttpFields.Mutable headers) {
        Optional<Instant> until = bans.bannedUntil(subject);
        if (until.isPresent()) {
            refusedBanned.increment();
            long seconds =
                    Math.max(1, Duration.between(clock.now(), until.get()).toSeconds());
            headers.put("Retry-After", Long.toString(seconds));
            throw new KeyroomException(ErrorCode.RATE_LIMITED, "temporarily banned after repeated excess");
        }
    }

    private static void apply(RateLimiter.Decision d, HttpFields.Mutable headers) {
        headers.add("RateLimit-Policy", d.policy().header());
        headers.add("RateLimit", d.header());
        if (d instanceof RateLimiter.Decision.Refused r) {
            headers.put("Retry-After", Long.toString(r.retryAfterSeconds()));
        }
    }

    /** Whether bodies of this route are blobs (spooled to disk) rather than JSON (in memory). */
    public boolean isBlobRoute(String method, String rawPath) {
        return "PUT".equals(method)
                && rawPath != null
                && BLOB_ROUTE.matcher(rawPath).matches();
    }

    /** DOS-1: the body ceiling of a route. */
    public long capFor(String method, String rawPath) {
        return isBlobRoute(method, rawPath) ? limits.maxBlobBodyBytes() : limits.maxJsonBodyBytes();
    }

    /**
     * DOS-2: reserves {@code bytes} (what the body declares; 0 for an undeclared one, which grows as
     * it arrives) of the in-flight budget, charged to the client's address and the identity that
     * signed, or refuses at once with 503 and {@code Retry-After}. The caller closes it when the
     * request ends.
     */
    public InflightBudget.Reservation reserve(
            long bytes, InetAddress address, EndpointId caller, HttpFields.Mutable headers) {
        List<String> clients = new ArrayList<>(2);
        if (address != null) {
            clients.add("addr:" + address.getHostAddress());
        }
        clients.add("id:" + caller.value());
        return switch (budget.tryReserve(bytes, clients)) {
            case InflightBudget.Result.Reserved r -> r.reservation();
            case InflightBudget.Result.Refused r -> throw overBudget(r.shortfall(), headers);
        };
    }

    /** DOS-2: {@code more} bytes on top of {@code held}, for a body longer than it declared, or 503. */
    public void grow(InflightBudget.Reservation held, long more, HttpFields.Mutable headers) {
        Optional<InflightBudget.Shortfall> shortfall = held.tryGrow(more);
        if (shortfall.isPresent()) {
            throw overBudget(shortfall.get(), headers);
        }
    }

    private KeyroomException overBudget(InflightBudget.Shortfall shortfall, HttpFields.Mutable headers) {
        headers.put("Retry-After", "1");
        return switch (shortfall) {
            case OVERALL -> {
                refusedBudget.increment();
                yield new KeyroomException(ErrorCode.OVERLOADED, "server busy; retry shortly");
            }
            case CLIENT -> {
                refusedClientBudget.increment();
                yield new KeyroomException(
                        ErrorCode.OVERLOADED,
                        "this client's requests in flight hold their share of the server; retry when one ends");
            }
        };
    }

    /** DOS-4: how long a request body may take to arrive. */
    public java.time.Duration bodyTimeout() {
        return limits.bodyTimeout();
    }
}
