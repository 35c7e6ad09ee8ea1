package dev.keyroom.server.web;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;

/** The one place that maps error codes to HTTP statuses and renders the protocol's error body. */
public final class ErrorResponses {
    /** What a 500 says: nothing but the code, this text and the request id (LOG-1). */
    public static final String GENERIC_INTERNAL = "internal error";

    private ErrorResponses() {}

    public static int status(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN, AGENT_LOCKED -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case REQUEST_TIMEOUT -> 408;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case RATE_LIMITED -> 429;
            case HEADERS_TOO_LARGE -> 431;
            case INTERNAL -> 500;
            case OVERLOADED, READ_ONLY_REPLICA, AUDIT_UNAVAILABLE -> 503;
        };
    }

    /** The code Jetty's own errors (bad URIs, oversized headers) map to. */
    public static ErrorCode codeForStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 431 -> ErrorCode.HEADERS_TOO_LARGE;
            case 503 -> ErrorCode.OVERLOADED;
            default -> status >= 400 && status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
        };
    }

    /** The error body; an internal error's message is always the generic one. */
    public static byte[] body(ErrorCode code, String message, String requestId) {
        String text = code == ErrorCode.INTERNAL ? GENERIC_INTERNAL : message;
        return Json.write(new ErrorDtos.Error(new ErrorDtos.ErrorDetail(code.wireName(), text, requestId)));
    }

    /**
     * Answers a refusal made outside {@link KeyroomHandler} (a WebSocket upgrade refused) in the
     * protocol's shape, with a new request id; the security headers are already on the response.
     */
    public static void refuse(
            org.eclipse.jetty.server.Response response,
            org.eclipse.jetty.util.Callback callback,
            dev.keyroom.core.error.KeyroomException e,
            String requestId) {
        response.setStatus(status(e.code()));
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, java.nio.ByteBuffer.wrap(body(e.code(), e.getMessage(), requestId)), callback);
    }
}
