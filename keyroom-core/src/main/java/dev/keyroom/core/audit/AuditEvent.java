package dev.keyroom.core.audit;

import dev.keyroom.core.identity.EndpointId;
import java.net.InetAddress;

/**
 * What an audit entry records (LOG-4): who ({@code actor}: an endpoint id or {@code -}), did what
 * ({@code action}, e.g. {@code POST /v1/rooms/{room}/members}), to what ({@code resource}: the
 * path), with what result ({@code outcome}: status and error code), under which request id, from
 * which address. Never a secret value, a signature, a nonce or a key: callers pass none, and there
 * is no field that could carry one.
 */
public record AuditEvent(
        String actor, String action, String resource, String outcome, String requestId, String remote) {

    /** An entry by {@code actor} from {@code remote}, either of which may be unknown ({@code null}: {@code -}). */
    public static AuditEvent of(
            EndpointId actor, String action, String resource, String outcome, String requestId, InetAddress remote) {
        return new AuditEvent(
                actor == null ? "-" : actor.value(),
                action,
                resource,
                outcome,
                requestId,
                remote == null ? "-" : remote.getHostAddress());
    }
}
