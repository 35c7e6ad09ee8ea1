package dev.keyroom.core.error;

/**
 * The one catalogue of failure codes. Each code has a stable wire name (the {@code code} of the
 * protocol's error body); the HTTP layer maps codes to statuses in exactly one place.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    NOT_FOUND("not_found"),
    CONFLICT("conflict"),
    PAYLOAD_TOO_LARGE("payload_too_large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    METHOD_NOT_ALLOWED("method_not_allowed"),
    REQUEST_TIMEOUT("request_timeout"),
    HEADERS_TOO_LARGE("headers_too_large"),
    RATE_LIMITED("rate_limited"),
    INTERNAL("internal"),
    OVERLOADED("overloaded"),
    READ_ONLY_REPLICA("read_only_replica"),
    AGENT_LOCKED("agent_locked"),
    AUDIT_UNAVAILABLE("audit_unavailable");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as it appears on the wire, e.g. {@code not_found}. */
    public String wireName() {
        return wireName;
    }

    /** Finds a code by its wire name; unknown names map to {@link #INTERNAL}. */
    public static ErrorCode fromWire(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
