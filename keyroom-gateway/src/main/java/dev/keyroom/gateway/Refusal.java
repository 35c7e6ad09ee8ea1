package dev.keyroom.gateway;

import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A refusal by the gateway, as the agent sees it: a status, a code a program can act on and a
 * sentence a person can. The message names the host, the method or the path, never a credential.
 */
final class Refusal extends RuntimeException {
    final int status;
    final String code;
    private long retryAfterSeconds;

    Refusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** This refusal, answered with {@code Retry-After: seconds}. */
    Refusal retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    static Refusal proxyAuthRequired() {
        return new Refusal(
                407,
                "proxy_auth_required",
                "open a session with the gateway (keyroom run, or POST /v1/sessions signed by your identity) and send"
                        + " its credential as proxy authentication");
    }

    static Refusal noGrant(String what) {
        return new Refusal(403, "no_grant", "no grant of yours allows " + what);
    }

    /** Sends this refusal as the JSON error body; {@code Connection: close} when asked. */
    void send(Response response, Callback callback, String requestId, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (status == 407) {
            response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"keyroom-gateway\"");
        }
        if (retryAfterSeconds > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        byte[] body = Json.mapper()
                .writeValueAsBytes(new ErrorDtos.Error(new ErrorDtos.ErrorDetail(code, getMessage(), requestId)));
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
