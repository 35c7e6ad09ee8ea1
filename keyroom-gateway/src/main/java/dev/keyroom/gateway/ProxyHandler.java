package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.web.RequestIds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's front door. A {@code CONNECT} from an agent with a live session, to an upstream one
 * of its grants names, at an address the gateway checked, is answered 200 and the connection is
 * turned into a TLS server with a leaf minted for that host under the gateway's CA; the requests then
 * read inside it come back here and go to the {@link Forwarder}. Anything else is the gateway's own
 * small API ({@link SessionRoutes}) or refused: a plain-HTTP proxy request never carries a
 * credential. Every refusal is audited (GW-7).
 */
final class ProxyHandler extends Handler.Abstract {
    private final AgentSessions sessions;
    private final PolicySource policy;
    private final Tunnels tunnels;
    private final LeafContexts leaves;
    private final UpstreamCheck upstreams;
    private final Forwarder forwarder;
    private final SessionRoutes routes;
    private final Door door;
    private final GatewayAudit audit;
    private final RequestIds ids;
    private final Clock clock;

    /** The TLS context to present for a host: a leaf minted under the gateway's CA. */
    @FunctionalInterface
    interface LeafContexts {
        javax.net.ssl.SSLContext serverContextFor(String host);
    }

    /** Resolves an upstream's name and refuses what a grant may not reach (GW-6), before a tunnel opens. */
    @FunctionalInterface
    interface UpstreamCheck {
        void check(LiveGrant grant);
    }

    ProxyHandler(
            AgentSessions sessions,
            PolicySource policy,
            Tunnels tunnels,
            LeafContexts leaves,
            UpstreamCheck upstreams,
            Forwarder forwarder,
            SessionRoutes routes,
            Door door,
            GatewayAudit audit,
            RequestIds ids,
            Clock clock) {
        super(InvocationType.BLOCKING);
        this.sessions = sessions;
        this.policy = policy;
        this.tunnels = tunnels;
        this.leaves = leaves;
        this.upstreams = upstreams;
        this.forwarder = forwarder;
        this.routes = routes;
        this.door = door;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = ids.next();
        Object tunnel = request.getConnectionMetaData().getAttribute(Tunnel.ATTRIBUTE);
        try {
            if (tunnel instanceof Tunnel t) {
                forwarder.forward(t, request, response, callback, requestId);
            } else if (HttpMethod.CONNECT.is(request.getMethod())) {
                connect(request, response, callback, requestId);
            } else if (request.getHttpURI().getScheme() != null
                    && request.getHttpURI().getHost() != null
                    && !routes.isOwnAuthority(request)) {
                audit.event(
                        null,
                        "proxy " + request.getMethod(),
                        "http://" + request.getHttpURI().getHost(),
                        403,
                        "plaintext_refused",
                        requestId,
                        remote(request));
                throw new Refusal(
                        403,
                        "plaintext_refused",
                        "the gateway forwards only https upstreams, through CONNECT; a credential never travels in clear text");
            } else {
                routes.handle(request, response, callback, requestId);
            }
        } catch (Refusal r) {
            r.send(response, callback, requestId, HttpMethod.CONNECT.is(request.getMethod()));
        }
        return true;
    }

    private void connect(Request request, Response response, Callback callback, String requestId) {
        String host = host(request.getHttpURI().getHost());
        int port = request.getHttpURI().getPort();
        String authority = dev.keyroom.protocol.grant.GrantDocument.Upstream.authority(host, port);
        InetAddress remote = remote(request);
        Optional<AgentSessions.Session> session =
                sessions.authenticate(request.getHeaders().getValuesList("Proxy-Authorization"));
        if (session.isEmpty()) {
            throw door.failed("CONNECT", authority, Refusal.proxyAuthRequired(), requestId, remote);
        }
        EndpointId agent = session.get().agent();
        Policy now = policy.current();
        List<LiveGrant> grants = now.forUpstream(agent, authority, clock.now());
        if (port <= 0 || grants.isEmpty()) {
            audit.event(agent, "CONNECT", authority, 403, "no_grant", requestId, remote);
            throw Refusal.noGrant("a connection to " + authority);
        }
        try {
            upstreams.check(grants.getFirst());
        } catch (Refusal r) {
            audit.event(agent, "CONNECT", authority, r.status, r.code, requestId, remote);
            throw r;
        }
        audit.requireAvailable();
        Tunnel t = new Tunnel(
                session.get(),
                host,
                port,
                now.fingerprint(agent, authority, clock.now()),
                request.getConnectionMetaData().getConnection().getEndPoint());
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, terminate(request, t));
        tunnels.opened(t);
        audit.event(agent, "CONNECT", authority, 200, "tunnel_opened", requestId, remote);
        response.setStatus(200);
        callback.succeeded();
    }

    /**
     * The connection that replaces plain HTTP on the agent's socket once the 200 is sent: TLS with a
     * leaf for the tunnel's host, then HTTP/1.1 whose requests carry the tunnel as an attribute.
     */
    private Connection terminate(Request request, Tunnel t) {
        Connector connector = request.getConnectionMetaData().getConnector();
        EndPoint endPoint = t.connection();
        SSLEngine engine = leaves.serverContextFor(t.host()).createSSLEngine(t.host(), t.port());
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        SslConnection ssl = new SslConnection(connector.getByteBufferPool(), connector.getExecutor(), endPoint, engine);
        ssl.setRenegotiationAllowed(false);
        EndPoint decrypted = ssl.getSslEndPoint();
        ConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        Connection inner = http.newConnection(connector, decrypted);
        if (inner instanceof org.eclipse.jetty.util.Attributes attributes) {
            attributes.setAttribute(Tunnel.ATTRIBUTE, t);
        } else {
            throw new IllegalStateException("the HTTP connection cannot carry the tunnel");
        }
        decrypted.setConnection(inner);
        return ssl;
    }

    private static String host(String raw) {
        if (raw == null) {
            throw new Refusal(400, "bad_request", "CONNECT needs host:port");
        }
        String h = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        return h.toLowerCase(Locale.ROOT);
    }

    static InetAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
