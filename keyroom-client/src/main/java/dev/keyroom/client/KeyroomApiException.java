package dev.keyroom.client;

import dev.keyroom.core.error.ErrorCode;

/** An error answer from the server, with its status, code, message and request id. */
public final class KeyroomApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final ErrorCode code;
    private final String requestId;

    public KeyroomApiException(int status, ErrorCode code, String message, String requestId) {
        super(status + " " + code.wireName() + ": " + message
                + (requestId == null ? "" : " (request " + requestId + ")"));
        this.status = status;
        this.code = code;
        this.requestId = requestId;
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }
}
