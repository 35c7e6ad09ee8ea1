package dev.keyroom.protocol.dto;

/** The JSON body of {@code POST /v1/console/tickets}: a one-time login link to the admin console. */
public final class ConsoleDtos {
    private ConsoleDtos() {}

    /**
     * The link ({@code https://.../console/#ticket=...}: the ticket rides in the fragment, which a
     * browser never sends) and when it stops working.
     */
    public record Login(String url, String expiresAt) {
        @Override
        public String toString() {
            return "Login[REDACTED, " + expiresAt + "]";
        }
    }
}
