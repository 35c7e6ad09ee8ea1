package dev.keyroom.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of this API, unsigned like {@code /healthz}
 * (outside {@code /v1/}, where every request is signed). The build copies the repository's {@code
 * docs/openapi.json} into the jar next to this class; it is served exactly as written there.
 */
public final class OpenApiRoutes {
    public static final String PATH = "/openapi.json";

    /** The document's name on the class path, beside this class. */
    static final String RESOURCE = "openapi.json";

    private final byte[] document;

    private OpenApiRoutes(byte[] document) {
        this.document = document;
    }

    /** Reads the document from the jar; a build that left it out fails the node's start. */
    public static OpenApiRoutes load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API description " + RESOURCE + " is missing from the build");
            }
            return new OpenApiRoutes(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API description", e);
        }
    }

    public void register(Router router) {
        Reply reply = Reply.ok(new Reply.Rendered(document));
        router.add("GET", PATH, Router.Access.PUBLIC, c -> reply);
    }
}
