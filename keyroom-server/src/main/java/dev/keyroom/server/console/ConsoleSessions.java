package dev.keyroom.server.console;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The console's login tickets and sessions, in this node's memory (UI-1, UI-2). A ticket is made
 * for an admin by a signed request, lives 60 s and is good once: redeeming removes it, whatever
 * follows. A session lasts at most 8 hours and ends after 15 minutes unused, at logout, and when
 * its admin is no longer an active admin ({@link #endUnless}, run every second, and the check the
 * console makes on every call). Only keyed hashes of tickets and session tokens are kept
 * ({@link TokenHasher}); the CSRF token of a session is the keyed hash of its token under another
 * purpose, so it is never stored either and is worth nothing without the cookie.
 *
 * <p>Sessions live on the node that made them: a node's restart ends them, and another node of a
 * cluster does not know them (each node's console has its own login links).
 */
public final class ConsoleSessions {
    public static final Duration TICKET_LIFETIME = Duration.ofSeconds(60);
    public static final Duration IDLE = Duration.ofMinutes(15);
    public static final Duration ABSOLUTE = Duration.ofHours(8);
    /** Bounds on what admins can make this node hold. */
    static final int MAX_TICKETS = 1_000;

    static final int MAX_SESSIONS = 1_000;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** A ticket as handed out, once; the server keeps only its hash. */
    public record Ticket(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Ticket[REDACTED, " + expiresAt + "]";
        }
    }

    /** A session: its admin and its bounds; {@code key} is the keyed hash that names it. */
    public record Session(String key, EndpointId admin, Instant createdAt, Instant expiresAt) {}

    /** A session just opened: the token for the cookie and the CSRF token, each handed out once. */
    public record Opened(String token, String csrf, Session session) {
        @Override
        public String toString() {
            return "Opened[REDACTED, " + session + "]";
        }
    }

    private record Pending(EndpointId admin, Instant expiresAt) {}

    private static final class Live {
        final Session session;
        volatile Instant lastUsed;

        Live(Session session) {
            this.session = session;
            this.lastUsed = session.createdAt();
        }
    }

    private final TokenHasher hasher;
    private final Clock clock;
    private final Map<String, Pending> tickets = new ConcurrentHashMap<>();
    private final Map<String, Live> sessions = new ConcurrentHashMap<>();

    ConsoleSessions(TokenHasher hasher, Clock clock) {
        this.hasher = hasher;
        this.clock = clock;
    }

    /** A login ticket for {@code admin}, valid for {@link #TICKET_LIFETIME}. */
    public Ticket issue(EndpointId admin) {
        Instant now = clock.now();
        tickets.values().removeIf(p -> !now.isBefore(p.expiresAt()));
        if (tickets.size() >= MAX_TICKETS) {
            throw new KeyroomException(ErrorCode.OVERLOADED, "too many login links are waiting; retry in a minute");
        }
        String token = hasher.newToken();
        Instant expires = now.plus(TICKET_LIFETIME);
        tickets.put(hasher.hash("ticket", token), new Pending(admin, expires));
        return new Ticket(token, expires);
    }

    /** The admin a ticket was made for, if it is one, unused and younger than 60 s; used up either way. */
    Optional<EndpointId> redeem(String ticket) {
        if (ticket == null || !TOKEN.matcher(ticket).matches()) {
            return Optional.empty();
        }
        Pending p = tickets.remove(hasher.hash("ticket", ticket));
        if (p == null || !clock.now().isBefore(p.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(p.admin());
    }

    /** Opens a session for {@code admin}. */
    Opened open(EndpointId admin) {
        Instant now = clock.now();
        sessions.values().removeIf(l -> expired(l, now));
        if (sessions.size() >= MAX_SESSIONS) {
            throw new KeyroomException(ErrorCode.OVERLOADED, "too many console sessions are open; log out of some");
        }
        String token = hasher.newToken();
        Session s = new Session(hasher.hash("session", token), admin, now, now.plus(ABSOLUTE));
        sessions.put(s.key(), new Live(s));
        return new Opened(token, csrf(token), s);
    }

    /** The live session of {@code token}, marked used now; an expired one is ended here. */
    Optional<Session> use(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String key = hasher.hash("session", token);
        Live l = sessions.get(key);
        if (l == null) {
            return Optional.empty();
        }
        Instant now = clock.now();
        if (expired(l, now)) {
            sessions.remove(key, l);
            return Optional.empty();
        }
        l.lastUsed = now;
        return Optional.of(l.session);
    }

    /** The CSRF token of the session whose token is {@code token}. */
    String csrf(String token) {
        return hasher.hash("csrf", token);
    }

    /** Whether {@code presented} is the CSRF token of the session of {@code token}, compared in constant time. */
    boolean csrfMatches(String token, String presented) {
        if (presented == null) {
            return false;
        }
        return Digests.constantTimeEquals(
                csrf(token).getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** Ends a session; whether there was one. */
    boolean end(Session s) {
        return sessions.remove(s.key()) != null;
    }

    /** Ends every session whose admin fails {@code stillAdmin}, and every expired one; how many ended. */
    int endUnless(Predicate<EndpointId> stillAdmin) {
        Instant now = clock.now();
        int before = sessions.size();
        sessions.values().removeIf(l -> expired(l, now) || !stillAdmin.test(l.session.admin()));
        tickets.values().removeIf(p -> !now.isBefore(p.expiresAt()) || !stillAdmin.test(p.admin()));
        return before - sessions.size();
    }

    /** Sessions open now. */
    public int open() {
        return sessions.size();
    }

    private static boolean expired(Live l, Instant now) {
        return !now.isBefore(l.session.expiresAt()) || !now.isBefore(l.lastUsed.plus(IDLE));
    }
}
