package dev.keyroom.gateway;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty raises itself on the gateway's listener (a malformed or ambiguous request, a
 * smuggling attempt, headers too large, an unexpected exception): the protocol's JSON error with a
 * fixed sentence per status, never an exception's message (which could quote a URL that carries a
 * credential), and, inside a tunnel, an audit entry like any other refusal (GW-1, GW-7).
 */
final class GatewayErrors extends ErrorHandler {
    private final GatewayAudit audit;
    private final RequestIds ids;

    GatewayErrors(GatewayAudit audit, RequestIds ids) {
        this.audit = audit;
        this.ids = ids;
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String id = ids.next();
        if (request.getConnectionMetaData().getAttribute(Tunnel.ATTRIBUTE) instanceof Tunnel t) {
            String path = request.getHttpURI() == null
                    ? ""
                    : String.valueOf(request.getHttpURI().getPath());
            try {
                audit.call(
                        t.session().agent(),
                        null,
                        request.getMethod(),
                        t.authority(),
                        path,
                        code,
                        "refused_by_parser",
                        0,
                        0,
                        0,
                        id,
                        ProxyHandler.remote(request));
            } catch (RuntimeException e) {
                // The audit log failed: the request is refused anyway, and the log stays failed.
            }
        }
        ErrorCode ec = ErrorResponses.codeForStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String sentence = code < 500 ? "the gateway refused a malformed request" : ErrorResponses.GENERIC_INTERNAL;
        response.write(true, ByteBuffer.wrap(ErrorResponses.body(ec, sentence, id)), callback);
    }
}
