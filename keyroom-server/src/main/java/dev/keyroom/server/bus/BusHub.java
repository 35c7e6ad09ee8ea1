package dev.keyroom.server.bus;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.rooms.RoomId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live data-plane sessions of this node, by identity, so that a membership change or a
 * revocation reaches them at once (AZ-7, AUTH-8): a removed member's subscriptions to the room end
 * with an eviction frame, a revoked or locked identity's sessions are closed.
 */
public final class BusHub {
    private final Map<EndpointId, Set<BusSession>> sessions = new ConcurrentHashMap<>();
    private final int maxPerIdentity;
    private final java.util.concurrent.ExecutorService work =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    public BusHub(int maxPerIdentity) {
        this.maxPerIdentity = maxPerIdentity;
    }

    /** Registers an authenticated session; false when the identity has its maximum already (DOS-6). */
    boolean register(BusSession s) {
        boolean[] ok = {false};
        sessions.compute(s.endpoint(), (e, set) -> {
            Set<BusSession> live = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (live.size() < maxPerIdentity) {
                live.add(s);
                ok[0] = true;
            }
            return live.isEmpty() ? null : live;
        });
        return ok[0];
    }

    void unregister(BusSession s) {
        if (s.endpoint() == null) {
            return;
        }
        sessions.computeIfPresent(s.endpoint(), (e, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** Room event: these endpoints are no longer members of {@code room}. */
    public void membersRemoved(RoomId room, Set<EndpointId> removed) {
        for (EndpointId e : removed) {
            for (BusSession s : sessions.getOrDefault(e, Set.of())) {
                s.evict(room, "no longer a member of the room");
            }
        }
    }

    /** User event: a revoked or locked identity loses every live session. */
    public void statusChanged(EndpointId endpoint, UserStatus status) {
        if (status == UserStatus.ACTIVE) {
            return;
        }
        for (BusSession s : sessions.getOrDefault(endpoint, Set.of())) {
            s.closeFor("identity " + status.wireName());
        }
    }

    /** Where sessions check signatures and queue appends, off the connection's reading thread. */
    java.util.concurrent.Executor work() {
        return work;
    }

    public int sessionCount() {
        return sessions.values().stream().mapToInt(Set::size).sum();
    }
}
