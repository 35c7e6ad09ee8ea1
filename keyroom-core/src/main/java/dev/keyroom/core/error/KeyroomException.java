package dev.keyroom.core.error;

/**
 * The one unchecked exception for real failures. It carries an {@link ErrorCode} and a message
 * that is safe to show a client: never secret material, a file path or SQL. Detail that must not
 * leave the server goes in the cause, which only the server log sees.
 */
public final class KeyroomException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public KeyroomException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public KeyroomException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static KeyroomException badRequest(String message) {
        return new KeyroomException(ErrorCode.BAD_REQUEST, message);
    }

    public static KeyroomException notFound() {
        return new KeyroomException(ErrorCode.NOT_FOUND, "not found");
    }

    public static KeyroomException forbidden(String message) {
        return new KeyroomException(ErrorCode.FORBIDDEN, message);
    }

    public static KeyroomException conflict(String message) {
        return new KeyroomException(ErrorCode.CONFLICT, message);
    }

    public static KeyroomException unauthorized(String message) {
        return new KeyroomException(ErrorCode.UNAUTHORIZED, message);
    }

    public static KeyroomException internal(String message, Throwable cause) {
        return new KeyroomException(ErrorCode.INTERNAL, message, cause);
    }
}
