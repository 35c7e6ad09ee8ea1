package dev.keyroom.gateway;

import org.eclipse.jetty.io.EndPoint;

/**
 * One agent's CONNECT tunnel to one upstream, after the gateway terminated its TLS: the session it
 * was opened under, where it leads ({@code host}, {@code port}, {@code authority}), the grants it
 * depended on when opened ({@code fingerprint}), and the agent's raw connection, closed to cut it.
 */
record Tunnel(
        AgentSessions.Session session,
        String host,
        int port,
        String authority,
        String fingerprint,
        EndPoint connection) {
    /** The connection attribute by which requests read inside a tunnel find it. */
    static final String ATTRIBUTE = "keyroom.gateway.tunnel";

    Tunnel(AgentSessions.Session session, String host, int port, String fingerprint, EndPoint connection) {
        this(
                session,
                host,
                port,
                dev.keyroom.protocol.grant.GrantDocument.Upstream.authority(host, port),
                fingerprint,
                connection);
    }
}
