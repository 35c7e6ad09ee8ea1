package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One immutable view of what the gateway honours: the live grants by agent, and the signing keys of
 * the agents they name (to check a session-opening signature). Replaced as a whole when the
 * server's view changes; every request reads the current one.
 */
public record Policy(Map<EndpointId, List<LiveGrant>> byAgent, Map<EndpointId, byte[]> agentKeys) {
    public static final Policy EMPTY = new Policy(Map.of(), Map.of());

    public static Policy of(List<LiveGrant> grants, Map<EndpointId, byte[]> agentKeys) {
        return new Policy(
                grants.stream().collect(Collectors.groupingBy(LiveGrant::agent, Collectors.toUnmodifiableList())),
                Map.copyOf(agentKeys));
    }

    /** The agent's signing key, while some live grant names the agent. */
    public Optional<byte[]> agentKey(EndpointId agent) {
        return byAgent.containsKey(agent) ? Optional.ofNullable(agentKeys.get(agent)) : Optional.empty();
    }

    /** The agent's unexpired grants for the upstream {@code host:port}. */
    public List<LiveGrant> forUpstream(EndpointId agent, String authority, Instant now) {
        return byAgent.getOrDefault(agent, List.of()).stream()
                .filter(g -> g.authority().equals(authority) && !g.expiredAt(now))
                .toList();
    }

    /**
     * The grant that allows {@code method} on {@code path} at the upstream: the one with the longest
     * matching path prefix when several do; empty when none does.
     */
    public Optional<LiveGrant> match(EndpointId agent, String authority, String method, String path, Instant now) {
        return forUpstream(agent, authority, now).stream()
                .filter(g -> g.doc().allowsMethod(method) && g.doc().allowsPath(path))
                .max(Comparator.comparingInt(g -> g.doc().longestPrefixOf(path)));
    }

    /** What tunnels to {@code authority} opened by {@code agent} depend on; a change cuts them. */
    public String fingerprint(EndpointId agent, String authority, Instant now) {
        return forUpstream(agent, authority, now).stream()
                .map(LiveGrant::fingerprint)
                .sorted()
                .collect(Collectors.joining(","));
    }
}
