package dev.keyroom.client;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import dev.keyroom.protocol.dto.GatewayDtos;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An agent's session with a Keyroom gateway: opened by a request signed by the agent's identity, it
 * yields a short-lived proxy credential that the agent's HTTP clients send as proxy authentication
 * ({@code https_proxy=http://<proxyUser>:<credential>@gateway}). The credential is not a secret of the
 * vault: it lets the gateway inject the agent's granted credentials, and ends with the session.
 */
public final class GatewaySession implements AutoCloseable {
    private final KeyroomClient gateway;
    private final String id;
    private final String proxyUser;
    private final String credential;
    private volatile Instant expires;

    private GatewaySession(KeyroomClient gateway, GatewayDtos.Session s) {
        this.gateway = gateway;
        this.id = s.sessionId();
        this.proxyUser = s.proxyUser();
        this.credential = s.credential();
        this.expires = Instant.parse(s.expiresAt());
    }

    /**
     * Opens a session on the gateway that {@code gateway} (a client built for the gateway's URL with
     * the agent's identity) points at, lasting {@code ttl} (the gateway's default when empty).
     */
    public static GatewaySession open(KeyroomClient gateway, Optional<Duration> ttl) {
        byte[] body = Json.mapper()
                .writeValueAsBytes(
                        new GatewayDtos.SessionOpen(ttl.map(Duration::toSeconds).orElse(null)));
        return new GatewaySession(gateway, call(gateway, "POST", "/v1/sessions", body, 201));
    }

    public String id() {
        return id;
    }

    public String proxyUser() {
        return proxyUser;
    }

    /** The proxy credential: pass it to the agent's HTTP clients, never to a log. */
    public String credential() {
        return credential;
    }

    public Instant expires() {
        return expires;
    }

    /** Extends the session by its lifetime. */
    public Instant renew() {
        expires = Instant.parse(call(gateway, "POST", "/v1/sessions/" + id + "/renew", new byte[0], 200)
                .expiresAt());
        return expires;
    }

    /** Ends the session on the gateway; its tunnels are cut at once. */
    @Override
    public void close() {
        KeyroomClient.Response r = gateway.exchange("DELETE", "/v1/sessions/" + id, null);
        if (r.status() != 204 && r.status() != 404) {
            throw failure(r);
        }
    }

    private static GatewayDtos.Session call(KeyroomClient gateway, String method, String path, byte[] body, int ok) {
        KeyroomClient.Response r = gateway.exchange(method, path, body);
        if (r.status() != ok) {
            throw failure(r);
        }
        return Json.read(r.body(), GatewayDtos.Session.class);
    }

    private static KeyroomApiException failure(KeyroomClient.Response r) {
        String message = "the gateway answered " + r.status();
        try {
            ErrorDtos.Error e = Json.read(r.body(), ErrorDtos.Error.class);
            message = e.error().message();
        } catch (RuntimeException ignored) {
            // Not an error body: the status says enough.
        }
        return new KeyroomApiException(
                r.status(), r.status() == 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.FORBIDDEN, message, r.requestId());
    }

    @Override
    public String toString() {
        return "GatewaySession[" + id + ", until " + expires + "]";
    }
}
