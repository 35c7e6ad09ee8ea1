package dev.keyroom.server.console;

import org.eclipse.jetty.http.HttpFields;

/**
 * The console's response headers (UI-4), set on every answer of its listener, errors included.
 * The policy lets the page load its own scripts, styles and images and talk to its own origin, and
 * nothing else: no inline script or style, no {@code eval}, no plugin, no frame around it, no form
 * posting anywhere, no {@code <base>}; Trusted Types with no policy at all, so that no string can
 * ever reach an HTML or script sink ({@code innerHTML}, {@code document.write}): the page builds
 * its DOM with DOM calls and renders every stored string as text.
 */
final class ConsoleHeaders {
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none';"
            + " require-trusted-types-for 'script'; trusted-types 'none'";

    private ConsoleHeaders() {}

    static void apply(HttpFields.Mutable headers) {
        headers.put("Content-Security-Policy", POLICY);
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-store");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
        headers.put("Strict-Transport-Security", "max-age=31536000");
    }
}
