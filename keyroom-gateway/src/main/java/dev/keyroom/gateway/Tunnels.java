package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open tunnels, so that a change of policy cuts those it no longer allows (GW-4): the agent
 * revoked or removed from the room, the grant revoked or expired, the secret rotated, the session
 * ended or expired. Checked on every policy poll, which comes at least once a second.
 */
final class Tunnels {
    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private final AgentSessions sessions;
    private final Clock clock;

    Tunnels(AgentSessions sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    void opened(Tunnel t) {
        open.add(t);
    }

    int size() {
        open.removeIf(t -> !t.connection().isOpen());
        return open.size();
    }

    /** Whether {@code t} may still carry requests under {@code policy}. */
    boolean allowed(Tunnel t, Policy policy, Instant now) {
        return why(t, policy, now) == null;
    }

    /** Why {@code t} may no longer carry requests under {@code policy}, in words; null while it may. */
    String why(Tunnel t, Policy policy, Instant now) {
        if (!sessions.live(t.session())) {
            return "the session of this tunnel ended or expired; open a session and connect again";
        }
        if (!policy.fingerprint(t.session().agent(), t.authority(), now).equals(t.fingerprint())) {
            return "the grants of this tunnel changed (revoked, expired, or the secret rotated); connect again";
        }
        return null;
    }

    /** Closes every tunnel {@code policy} no longer allows; returns how many. */
    int sweep(Policy policy) {
        Instant now = clock.now();
        int cut = 0;
        for (Tunnel t : open) {
            if (!t.connection().isOpen()) {
                open.remove(t);
            } else if (!allowed(t, policy, now)) {
                open.remove(t);
                t.connection().close();
                cut++;
            }
        }
        return cut;
    }

    void closeAll() {
        for (Tunnel t : open) {
            t.connection().close();
        }
        open.clear();
    }
}
