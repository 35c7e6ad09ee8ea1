package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DOS-3, DOS-7, TLS-6: rate limits by address and identity, durable bans, forwarded addresses. */
class RateLimitAttackTest {
    @TempDir
    Path dir;

    static List<RawHttp.Response> flood(TestNode node, String source, int n, Map<String, String> headers)
            throws Exception {
        List<RawHttp.Response> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(RawHttp.send(node, source, "GET", "/healthz", headers, null));
        }
        return out;
    }

    @Test
    void floodFromOneAddress_isThrottled_whileAnotherAddressIsServed() throws Exception {
        // DOS-3: one address over its bucket gets 429 with Retry-After and RateLimit headers; others are served.
        try (TestNode node =
                TestNode.start(dir, "limits: {rate_limit_loopback: true, rate_per_address: 2, burst_per_address: 5}")) {
            List<RawHttp.Response> flood = flood(node, "127.0.0.2", 15, Map.of());
            List<RawHttp.Response> refused =
                    flood.stream().filter(r -> r.status() == 429).toList();
            assertThat(refused).hasSizeGreaterThanOrEqualTo(5);
            RawHttp.Response r = refused.getFirst();
            assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
            assertThat(r.header("RateLimit-Policy")).isEqualTo("\"addr\";q=5;w=3");
            assertThat(r.header("RateLimit")).startsWith("\"addr\";r=0;t=");
            assertThat(r.body()).contains("\"code\":\"rate_limited\"");
            assertThat(flood.getFirst().status()).isEqualTo(200);
            assertThat(flood.getFirst().header("RateLimit")).startsWith("\"addr\";r=4;");
            assertThat(RawHttp.send(node, "127.0.0.3", "GET", "/healthz", Map.of(), null)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void floodFromOneIdentity_isThrottled_whileAnotherIdentityIsServed() throws Exception {
        // DOS-3: per-identity limits for authenticated calls, whatever address they come from.
        try (TestNode node = TestNode.start(dir, "limits: {rate_per_identity: 1, burst_per_identity: 3}")) {
            Identity alice = node.register("alice", Role.MEMBER);
            Identity bob = node.register("bob", Role.MEMBER);
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.signed(node, "127.0.0." + (20 + i), alice, "GET", "/v1/me", null);
                if (r.status() == 429) {
                    refused++;
                    assertThat(r.header("RateLimit-Policy")).isEqualTo("\"id\";q=3;w=3");
                    assertThat(r.header("Retry-After")).isNotNull();
                }
            }
            assertThat(refused).isGreaterThanOrEqualTo(5);
            assertThat(RawHttp.signed(node, "127.0.0.20", bob, "GET", "/v1/me", null)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void loopback_isExemptByDefault() throws Exception {
        try (TestNode node = TestNode.start(dir, "limits: {rate_per_address: 1, burst_per_address: 1}")) {
            assertThat(flood(node, "127.0.0.2", 10, Map.of())).allMatch(r -> r.status() == 200);
        }
    }

    @Test
    void repeatedExcess_banIsDurableAcrossRestart() throws Exception {
        // DOS-7: a ban earned by repeated excess is in the store and survives a restart.
        String cfg = "limits: {rate_limit_loopback: true, rate_per_address: 1, burst_per_address: 2,"
                + " ban_after_refusals: 5, ban_seconds: 600}";
        try (TestNode node = TestNode.start(dir, cfg)) {
            flood(node, "127.0.0.4", 12, Map.of());
            RawHttp.Response banned = RawHttp.send(node, "127.0.0.4", "GET", "/healthz", Map.of(), null);
            assertThat(banned.status()).isEqualTo(429);
            assertThat(banned.body()).contains("banned");
        }
        try (TestNode node = TestNode.start(dir, cfg)) {
            RawHttp.Response r = RawHttp.send(node, "127.0.0.4", "GET", "/healthz", Map.of(), null);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.body()).contains("banned");
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(500L, 600L);
            assertThat(RawHttp.send(node, "127.0.0.5", "GET", "/healthz", Map.of(), null)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void spoofedForwardedFor_fromUntrustedPeer_isIgnored() throws Exception {
        // TLS-6: a client cannot pick the address it is limited under by sending X-Forwarded-For.
        try (TestNode node =
                TestNode.start(dir, "limits: {rate_limit_loopback: true, rate_per_address: 1, burst_per_address: 3}")) {
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.send(
                        node, "127.0.0.6", "GET", "/healthz", Map.of("X-Forwarded-For", "198.51.100." + i), null);
                refused += r.status() == 429 ? 1 : 0;
            }
            assertThat(refused).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void forwardedFor_fromTrustedProxy_isHonoured() throws Exception {
        // TLS-6: behind a configured proxy each forwarded client has its own bucket.
        try (TestNode node = TestNode.start(
                dir, "trusted_proxies: [127.0.0.7]\nlimits: {rate_per_address: 1, burst_per_address: 3}")) {
            List<RawHttp.Response> a = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                a.add(RawHttp.send(
                        node,
                        "127.0.0.7",
                        "GET",
                        "/healthz",
                        Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.1"),
                        null));
            }
            assertThat(a.stream().filter(r -> r.status() == 429).count()).isGreaterThanOrEqualTo(4);
            RawHttp.Response b =
                    RawHttp.send(node, "127.0.0.7", "GET", "/healthz", Map.of("X-Forwarded-For", "198.51.100.2"), null);
            assertThat(b.status()).isEqualTo(200);
            // The same header from a peer that is not the proxy is not honoured: loopback stays exempt.
            assertThat(RawHttp.send(
                                    node,
                                    "127.0.0.8",
                                    "GET",
                                    "/healthz",
                                    Map.of("X-Forwarded-For", "198.51.100.1"),
                                    null)
                            .status())
                    .isEqualTo(200);
        }
    }
}
