package dev.keyroom.server.http;

/**
 * What a route answers: a status and a body to render as JSON, or none, a {@link Stream} of bytes,
 * or a {@link Rendered} JSON document; and, when the path does not say what was written (a {@code POST} that creates), the
 * {@code resource} its audit entry names instead (null: the path).
 */
public record Reply(int status, Object body, String resource) {
    /** Raw bytes of a known length; a null stream sends the headers only (HEAD). */
    public record Stream(long length, java.io.InputStream in) {}

    /** A JSON document already rendered, sent byte for byte as it is (and never changed by anyone). */
    public record Rendered(byte[] json) {}

    public Reply(int status, Object body) {
        this(status, body, null);
    }

    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    public static Reply created(Object body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    /** This reply, audited as a write of {@code resource}. */
    public Reply about(String resource) {
        return new Reply(status, body, resource);
    }
}
