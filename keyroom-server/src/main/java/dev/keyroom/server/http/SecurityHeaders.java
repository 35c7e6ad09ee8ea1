package dev.keyroom.server.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The response headers of TLS-4. As the outermost handler it sets them on every response before
 * anything else runs, so CORS answers and errors carry them too; Jetty's own early errors get them
 * from {@link JsonErrorHandler}.
 */
public final class SecurityHeaders extends Handler.Wrapper {
    private final boolean tls;

    public SecurityHeaders(boolean tls, Handler next) {
        super(next);
        this.tls = tls;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        apply(response.getHeaders(), tls);
        return super.handle(request, response, callback);
    }

    public static void apply(HttpFields.Mutable headers, boolean tls) {
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-store");
        if (tls) {
            headers.put("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
