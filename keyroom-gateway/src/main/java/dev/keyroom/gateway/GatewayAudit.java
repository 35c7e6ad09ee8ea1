package dev.keyroom.gateway;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.server.audit.AuditTrail;
import java.net.InetAddress;

/**
 * The gateway's entries in its hash-chained audit log (GW-7): every proxied call and every refusal,
 * with the agent, the grant, the method, the upstream and path (query values left out: only their
 * names), the status, the bytes each way, the duration and the outcome. Never a body, a header value,
 * a credential or a session token. Fails closed: a call whose entry cannot be written is refused
 * before it is forwarded, by {@link #requireAvailable}.
 */
final class GatewayAudit {
    private final AuditTrail trail;

    GatewayAudit(AuditTrail trail) {
        this.trail = trail;
    }

    void requireAvailable() {
        trail.requireAvailable();
    }

    /** A proxied call, or a call refused inside a tunnel. */
    void call(
            EndpointId agent,
            String grant,
            String method,
            String authority,
            String pathAndQueryNames,
            int status,
            String outcome,
            long bytesIn,
            long bytesOut,
            long millis,
            String requestId,
            InetAddress remote) {
        trail.record(AuditEvent.of(
                agent,
                "proxy " + method,
                "https://" + authority + pathAndQueryNames,
                status + " " + outcome + " grant=" + (grant == null ? "-" : grant) + " in=" + bytesIn + " out="
                        + bytesOut + " ms=" + millis,
                requestId,
                remote));
    }

    /** Anything else: a CONNECT, a session opened, renewed or closed, a refusal at the door. */
    void event(
            EndpointId agent,
            String action,
            String resource,
            int status,
            String outcome,
            String requestId,
            InetAddress remote) {
        trail.record(AuditEvent.of(agent, action, resource, status + " " + outcome, requestId, remote));
    }
}
