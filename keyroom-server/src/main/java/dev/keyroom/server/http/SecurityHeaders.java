package dev.keyroom.server.http;

import org.eclipse.jetty.http.HttpFields;

/** The response headers of TLS-4, set on every response, errors included. */
public final class SecurityHeaders {
    private SecurityHeaders() {}

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
