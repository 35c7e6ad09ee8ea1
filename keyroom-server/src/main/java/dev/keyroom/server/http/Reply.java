package dev.keyroom.server.http;

/**
 * What a route answers: a status and a body to render as JSON, or none, or a {@link Stream} of
 * bytes.
 */
public record Reply(int status, Object body) {
    /** Raw bytes of a known length; a null stream sends the headers only (HEAD). */
    public record Stream(long length, java.io.InputStream in) {}

    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    public static Reply created(Object body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }
}
