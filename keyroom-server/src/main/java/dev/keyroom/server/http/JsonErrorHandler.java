package dev.keyroom.server.http;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty raises itself (malformed requests, oversized headers, ambiguous URIs)
 * in the protocol's error shape, with the security headers and a request id, and never a stack.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private final RequestIds ids;
    private final boolean tls;

    public JsonErrorHandler(RequestIds ids, boolean tls) {
        this.ids = ids;
        this.tls = tls;
        setShowStacks(false);
    }

    /** Every method gets the error body: Jetty by itself writes one only for GET, POST and HEAD. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        Object existing = request.getAttribute(RequestIds.ATTRIBUTE);
        String id = existing instanceof String s ? s : ids.next();
        ErrorCode ec = ErrorResponses.codeForStatus(code);
        HttpFields.Mutable h = response.getHeaders();
        SecurityHeaders.apply(h, tls);
        h.put(RequestIds.HEADER, id);
        h.put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(ErrorResponses.body(ec, reason(code), id)), callback);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "malformed request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 408 -> "request timed out";
            case 413 -> "request body too large";
            case 414 -> "request target too long";
            case 431 -> "request headers too large";
            default -> status < 500 ? "request refused" : ErrorResponses.GENERIC_INTERNAL;
        };
    }
}
