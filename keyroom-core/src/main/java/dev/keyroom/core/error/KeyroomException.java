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

    /**
     * Waits for {@code f} and returns its value, rethrowing a {@link KeyroomException} as itself, a
     * timeout as {@code overloaded} and anything else as {@code internal}.
     */
    public static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof KeyroomException k) {
                throw k;
            }
            if (cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof java.util.concurrent.CancellationException) {
                throw new KeyroomException(ErrorCode.OVERLOADED, "storage is busy", cause);
            }
            throw internal("internal error", cause);
        }
    }
}
