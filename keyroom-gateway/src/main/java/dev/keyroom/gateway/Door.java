package dev.keyroom.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.server.limits.RateLimiter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failed authentications at the gateway's door, counted per client address (GW-7, DOS-3): a
 * {@code CONNECT} without a live session (407) and a session call whose signature does not verify
 * (401). The first {@value #BURST} failures from an address, then {@value #RATE} a second, are
 * answered as they are and audited one by one. Beyond that the address is answered 429 with
 * {@code Retry-After}, and the audit log gets one entry a minute saying so, so that a flood of bad
 * credentials can neither fill the audit log nor the disk under it.
 *
 * <p>Only failures count: a request whose credential is good is neither counted nor refused here, so
 * an agent sharing an address with an attacker (every agent on the gateway's own host does) keeps
 * working. IPv6 addresses count by their /64, which one host commonly holds whole.
 */
final class Door {
    static final int RATE = 1;
    static final int BURST = 20;
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final RateLimiter failures = new RateLimiter(new RateLimiter.Policy("auth_failures", RATE, BURST), 100_000);
    private final Cache<String, AtomicLong> limited = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(REPORT_EVERY)
            .build();
    private final GatewayAudit audit;

    Door(GatewayAudit audit) {
        this.audit = audit;
    }

    /**
     * The answer to a failed authentication from {@code remote}: {@code failure} itself, audited, while
     * the address is within its allowance; else a 429 that is audited once a minute per address.
     */
    Refusal failed(String action, String resource, Refusal failure, String requestId, InetAddress remote) {
        String key = key(remote);
        if (failures.tryAcquire(key) instanceof RateLimiter.Decision.Refused r) {
            AtomicLong count = limited.get(key, k -> new AtomicLong());
            if (count.getAndIncrement() == 0) {
                audit.event(null, action, resource, 429, "auth_failures_limited", requestId, remote);
            }
            return new Refusal(
                            429,
                            "rate_limited",
                            "too many failed authentications from this address; retry in " + r.retryAfterSeconds()
                                    + " s with a valid credential")
                    .retryAfter(r.retryAfterSeconds());
        }
        audit.event(null, action, resource, failure.status, failure.code, requestId, remote);
        return failure;
    }

    static String key(InetAddress remote) {
        if (remote == null) {
            return "unknown";
        }
        if (remote instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(remote.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return "v6:" + java.util.HexFormat.of().formatHex(prefix, 0, 8) + "::/64";
        }
        return remote.getHostAddress();
    }
}
