package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.GatewayDtos;
import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.auth.JettyRequestView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's own API, on its listener: {@code POST /v1/sessions} opens an agent session,
 * {@code POST /v1/sessions/{id}/renew} extends it, {@code DELETE /v1/sessions/{id}} ends it (and cuts
 * its tunnels at once), each signed by the agent's identity as every Keyroom request is (RFC 9421,
 * checked by {@link SignedCalls}); {@code GET /v1/health} and {@code GET /v1/ca.pem} are open.
 */
final class SessionRoutes {
    private static final Pattern SESSION = Pattern.compile("/v1/sessions/([0-9a-f]{32})(/renew)?");
    private static final int MAX_BODY = 4096;
    /** Signed calls one agent may make to the session API a minute: renewals come every few seconds at most. */
    static final int CALLS_PER_MINUTE = 60;

    private final java.util.Map<EndpointId, long[]> calls = new java.util.concurrent.ConcurrentHashMap<>();

    private final AgentSessions sessions;
    private final SignedCalls signed;
    private final Authorities authorities;
    private final Tunnels tunnels;
    private final PolicySource policy;
    private final GatewayAudit audit;
    private final Door door;
    private final byte[] caPem;
    private final Clock clock;

    SessionRoutes(
            AgentSessions sessions,
            SignedCalls signed,
            Authorities authorities,
            Tunnels tunnels,
            PolicySource policy,
            GatewayAudit audit,
            Door door,
            byte[] caPem,
            Clock clock) {
        this.sessions = sessions;
        this.signed = signed;
        this.authorities = authorities;
        this.tunnels = tunnels;
        this.policy = policy;
        this.audit = audit;
        this.door = door;
        this.caPem = caPem.clone();
        this.clock = clock;
    }

    /** Whether an absolute-form request names the gateway itself rather than an upstream. */
    boolean isOwnAuthority(Request request) {
        return authorities.accepts(
                request.getHttpURI().getScheme(), request.getHttpURI().getAuthority());
    }

    void handle(Request request, Response response, Callback callback, String requestId) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if ("GET".equals(method) && "/v1/health".equals(path)) {
            json(response, callback, 200, new GatewayDtos.Health("ok"));
            return;
        }
        if ("GET".equals(method) && "/v1/ca.pem".equals(path)) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-pem-file");
            response.write(true, ByteBuffer.wrap(caPem), callback);
            return;
        }
        String action = "gateway " + method;
        String resource = path == null ? "" : path;
        byte[] body;
        EndpointId agent;
        try {
            body = body(request);
            agent = signed.verify(new JettyRequestView(request), body, policy.current(), authorities);
        } catch (Refusal r) {
            throw door.failed(action, resource, r, requestId, ProxyHandler.remote(request));
        }
        try {
            serve(agent, body, request, response, callback, requestId);
        } catch (Refusal r) {
            audit.event(agent, action, resource, r.status, r.code, requestId, ProxyHandler.remote(request));
            throw r;
        }
    }

    private void serve(
            EndpointId agent, byte[] body, Request request, Response response, Callback callback, String requestId) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        admit(agent, response);
        if ("POST".equals(method) && "/v1/sessions".equals(path)) {
            GatewayDtos.SessionOpen open = body.length == 0
                    ? new GatewayDtos.SessionOpen(null)
                    : Json.read(body, GatewayDtos.SessionOpen.class);
            AgentSessions.Opened o;
            try {
                o = sessions.open(agent, Optional.ofNullable(open.ttlSeconds()).map(Duration::ofSeconds));
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "bad_request", e.getMessage());
            }
            audit.event(
                    agent,
                    "session open",
                    "/v1/sessions/" + o.session().id(),
                    201,
                    "ok",
                    requestId,
                    ProxyHandler.remote(request));
            json(
                    response,
                    callback,
                    201,
                    new GatewayDtos.Session(
                            o.session().id(),
                            agent.value(),
                            o.credential(),
                            o.session().expires().toString()));
            return;
        }
        Matcher m = SESSION.matcher(path == null ? "" : path);
        if (m.matches() && "POST".equals(method) && m.group(2) != null) {
            AgentSessions.Session s = sessions.renew(agent, m.group(1))
                    .orElseThrow(() -> new Refusal(404, "not_found", "no live session of yours has that id"));
            audit.event(
                    agent,
                    "session renew",
                    "/v1/sessions/" + s.id(),
                    200,
                    "ok",
                    requestId,
                    ProxyHandler.remote(request));
            json(
                    response,
                    callback,
                    200,
                    new GatewayDtos.Session(
                            s.id(), agent.value(), null, s.expires().toString()));
            return;
        }
        if (m.matches() && "DELETE".equals(method) && m.group(2) == null) {
            if (!sessions.close(agent, m.group(1))) {
                throw new Refusal(404, "not_found", "no session of yours has that id");
            }
            tunnels.sweep(policy.current());
            audit.event(
                    agent,
                    "session close",
                    "/v1/sessions/" + m.group(1),
                    204,
                    "ok",
                    requestId,
                    ProxyHandler.remote(request));
            response.setStatus(204);
            callback.succeeded();
            return;
        }
        throw new Refusal(404, "not_found", "the gateway has no " + method + " " + path);
    }

    /** A fixed window a minute per agent, so that no agent can churn sessions or flush nonces. */
    private void admit(EndpointId agent, Response response) {
        long minute = clock.epochSecond() / 60;
        long[] w = calls.compute(
                agent,
                (a, old) -> old == null || old[0] != minute ? new long[] {minute, 1} : new long[] {minute, old[1] + 1});
        if (w[1] > CALLS_PER_MINUTE) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(60 - clock.epochSecond() % 60));
            throw new Refusal(429, "rate_limited", "at most " + CALLS_PER_MINUTE + " session calls a minute per agent");
        }
        if (calls.size() > 100_000) {
            calls.entrySet().removeIf(e -> e.getValue()[0] != minute);
        }
    }

    private static byte[] body(Request request) {
        if (request.getLength() > MAX_BODY) {
            throw new Refusal(
                    413, "payload_too_large", "the gateway's own requests are at most " + MAX_BODY + " bytes");
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new Refusal(
                        413, "payload_too_large", "the gateway's own requests are at most " + MAX_BODY + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new Refusal(400, "bad_request", "the request body could not be read");
        }
    }

    private static void json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.mapper().writeValueAsBytes(body)), callback);
    }
}
