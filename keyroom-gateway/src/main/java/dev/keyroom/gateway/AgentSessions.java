package dev.keyroom.gateway;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Agent sessions (GW-4): a proxy credential of 256 random bits per session, handed to the agent once
 * and kept only as its HMAC-SHA-256 under the gateway's session key (a thief of the table cannot use
 * it, and equal credentials cannot be told apart without the key). Short-lived: renewing extends by
 * the session's own lifetime. Persisted, so a restart of the gateway does not end a running program's
 * session; held in memory for the per-request lookup.
 */
final class AgentSessions {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    static final Duration MIN_TTL = Duration.ofSeconds(2);
    static final String CREDENTIAL_PREFIX = "krg1_";
    /** Sessions one agent may hold at once: enough for parallel jobs, not a way to fill the table. */
    static final int MAX_PER_AGENT = 32;

    /** One session: who, until when, under which public id, and the keyed hash of its credential. */
    record Session(String id, String hash, EndpointId agent, Duration ttl, Instant expires) {
        boolean liveAt(Instant now) {
            return now.isBefore(expires);
        }
    }

    /** What the agent receives, once. */
    record Opened(Session session, String credential) {
        @Override
        public String toString() {
            return "Opened[" + session + "]";
        }
    }

    private final GatewayDb db;
    private final byte[] key;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration maxTtl;
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashById = new ConcurrentHashMap<>();

    AgentSessions(GatewayDb db, byte[] key, Clock clock, SecureRandom random, Duration maxTtl) {
        this.db = db;
        this.key = key.clone();
        this.clock = clock;
        this.random = random;
        this.maxTtl = maxTtl;
        db.deleteSessionsBefore(clock.now());
        for (GatewayDb.StoredSession s : db.sessions()) {
            remember(new Session(s.id(), s.hash(), s.agent(), s.ttl(), s.expires()));
        }
    }

    Opened open(EndpointId agent, Optional<Duration> requested) {
        Duration ttl = requested.orElse(DEFAULT_TTL);
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException(
                    "ttl_seconds must be " + MIN_TTL.toSeconds() + " to " + maxTtl.toSeconds());
        }
        Instant now = clock.now();
        long held = byHash.values().stream()
                .filter(s -> s.agent().equals(agent) && s.liveAt(now))
                .count();
        if (held >= MAX_PER_AGENT) {
            throw new Refusal(
                    429,
                    "too_many_sessions",
                    "an agent holds at most " + MAX_PER_AGENT
                            + " sessions at once; close one (DELETE /v1/sessions/{id}) or let one expire");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String credential = CREDENTIAL_PREFIX + Base64Url.encode(secret);
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session s = new Session(
                HexFormat.of().formatHex(id),
                hash(credential),
                agent,
                ttl,
                clock.now().plus(ttl));
        store(s);
        return new Opened(s, credential);
    }

    /** Extends the agent's session by its lifetime; empty when it has no such live session. */
    Optional<Session> renew(EndpointId agent, String id) {
        Instant now = clock.now();
        return find(agent, id).filter(s -> s.liveAt(now)).map(s -> {
            Session renewed = new Session(s.id(), s.hash(), agent, s.ttl(), now.plus(s.ttl()));
            store(renewed);
            return renewed;
        });
    }

    /** Ends the agent's session; false when there was none. */
    boolean close(EndpointId agent, String id) {
        Optional<Session> s = find(agent, id);
        s.ifPresent(this::forget);
        return s.isPresent();
    }

    /**
     * The live session of a {@code Proxy-Authorization} header ({@code Basic} of
     * {@code <agent>:<credential>}); empty when absent, malformed, unknown, expired, or sent for
     * another agent than the session's.
     */
    Optional<Session> authenticate(List<String> proxyAuthorization) {
        if (proxyAuthorization.size() != 1) {
            return Optional.empty();
        }
        String h = proxyAuthorization.getFirst();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Basic ", 0, 6) || h.length() > 512) {
            return Optional.empty();
        }
        String userPass;
        try {
            userPass = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = userPass.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = userPass.substring(0, colon);
        String credential = userPass.substring(colon + 1);
        if (!credential.startsWith(CREDENTIAL_PREFIX)) {
            return Optional.empty();
        }
        Session s = byHash.get(hash(credential));
        if (s == null || !s.liveAt(clock.now()) || !s.agent().value().equals(user)) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Whether the session is still open and unexpired. */
    boolean live(Session s) {
        Session now = byHash.get(s.hash());
        return now != null && now.liveAt(clock.now());
    }

    /** Forgets expired sessions, in memory and on disk. */
    void sweep() {
        Instant now = clock.now();
        for (Session s : List.copyOf(byHash.values())) {
            if (!s.liveAt(now)) {
                forget(s);
            }
        }
    }

    private Optional<Session> find(EndpointId agent, String id) {
        return Optional.ofNullable(hashById.get(id))
                .map(byHash::get)
                .filter(s -> s.agent().equals(agent));
    }

    private void store(Session s) {
        db.putSession(new GatewayDb.StoredSession(s.hash(), s.id(), s.agent(), s.ttl(), s.expires()));
        remember(s);
    }

    private void remember(Session s) {
        byHash.put(s.hash(), s);
        hashById.put(s.id(), s.hash());
    }

    private void forget(Session s) {
        db.deleteSession(s.hash());
        byHash.remove(s.hash());
        hashById.remove(s.id());
    }

    private String hash(String credential) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64Url.encode(mac.doFinal(credential.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
