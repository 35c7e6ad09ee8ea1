package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One immutable view of what the gateway honours: the live grants by agent, and the signing keys of
 * the agents they name (to check a session-opening signature). Replaced as a whole when the
 * server's view changes; every request reads the current one.
 */
public record Policy(
        Map<EndpointId, List<LiveGrant>> byAgent,
        Map<EndpointId, byte[]> agentKeys,
        Map<EndpointId, Map<String, List<LiveGrant>>> byUpstream) {
    public static final Policy EMPTY = new Policy(Map.of(), Map.of(), Map.of());

    public static Policy of(List<LiveGrant> grants, Map<EndpointId, byte[]> agentKeys) {
        Map<EndpointId, List<LiveGrant>> byAgent =
                grants.stream().collect(Collectors.groupingBy(LiveGrant::agent, Collectors.toUnmodifiableList()));
        Map<EndpointId, Map<String, List<LiveGrant>>> byUpstream = new HashMap<>();
        byAgent.forEach((agent, theirs) -> byUpstream.put(
                agent,
                Map.copyOf(theirs.stream()
                        .sorted(Comparator.comparing(LiveGrant::fingerprint))
                        .collect(Collectors.groupingBy(LiveGrant::authority, Collectors.toUnmodifiableList())))));
        return new Policy(Map.copyOf(byAgent), Map.copyOf(agentKeys), Map.copyOf(byUpstream));
    }

    /** The agent's signing key, while some live grant names the agent. */
    public Optional<byte[]> agentKey(EndpointId agent) {
        return byAgent.containsKey(agent) ? Optional.ofNullable(agentKeys.get(agent)) : Optional.empty();
    }

    /** The agent's unexpired grants for the upstream {@code host:port}, in fingerprint order. */
    public List<LiveGrant> forUpstream(EndpointId agent, String authority, Instant now) {
        List<LiveGrant> all = byUpstream.getOrDefault(agent, Map.of()).getOrDefault(authority, List.of());
        for (LiveGrant g : all) {
            if (g.expiredAt(now)) {
                return all.stream().filter(x -> !x.expiredAt(now)).toList();
            }
        }
        return all;
    }

    /**
     * The grant that allows {@code method} on {@code path} at the upstream: the one with the longest
     * matching path prefix when several do; empty when none does.
     */
    public Optional<LiveGrant> match(EndpointId agent, String authority, String method, String path, Instant now) {
        LiveGrant best = null;
        int bestPrefix = -1;
        for (LiveGrant g : forUpstream(agent, authority, now)) {
            if (g.doc().allowsMethod(method) && g.doc().allowsPath(path)) {
                int prefix = g.doc().longestPrefixOf(path);
                if (prefix > bestPrefix) {
                    best = g;
                    bestPrefix = prefix;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** What tunnels to {@code authority} opened by {@code agent} depend on; a change cuts them. */
    public String fingerprint(EndpointId agent, String authority, Instant now) {
        List<LiveGrant> live = forUpstream(agent, authority, now);
        if (live.size() == 1) {
            return live.get(0).fingerprint();
        }
        StringBuilder b = new StringBuilder();
        for (LiveGrant g : live) {
            b.append(b.isEmpty() ? "" : ",").append(g.fingerprint());
        }
        return b.toString();
    }
}
