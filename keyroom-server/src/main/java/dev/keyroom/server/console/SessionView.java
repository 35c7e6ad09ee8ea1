package dev.keyroom.server.console;

import dev.keyroom.core.identity.User;
import java.time.format.DateTimeFormatter;

/**
 * What the page learns of its session: its admin, its bounds and its CSRF token, which it keeps in
 * memory only (never in storage) and sends back in {@code X-Keyroom-CSRF} on every state-changing
 * call. Readable only by a page of the console's origin: no CORS, and the cookie is SameSite=Strict.
 */
record SessionView(String endpoint, String name, String csrf, String expiresAt, long idleSeconds) {
    static SessionView of(User admin, ConsoleSessions.Session s, String csrf) {
        return new SessionView(
                admin.endpoint().value(),
                admin.name(),
                csrf,
                DateTimeFormatter.ISO_INSTANT.format(s.expiresAt()),
                ConsoleSessions.IDLE.toSeconds());
    }
}
