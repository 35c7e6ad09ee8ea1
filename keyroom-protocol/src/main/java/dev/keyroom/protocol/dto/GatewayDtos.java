package dev.keyroom.protocol.dto;

/** The JSON bodies of the gateway's own API: agent sessions. */
public final class GatewayDtos {
    private GatewayDtos() {}

    /** Opening a session; {@code ttlSeconds} defaults to 900. */
    public record SessionOpen(Long ttlSeconds) {}

    /**
     * A session: its public id, when it ends, and (only when opened) the proxy credential, sent as
     * proxy authentication with {@code proxyUser} as the user name.
     */
    public record Session(String sessionId, String proxyUser, String credential, String expiresAt) {
        @Override
        public String toString() {
            return "Session[" + sessionId + ", until " + expiresAt + "]";
        }
    }

    /** The gateway's health: {@code ok} once it holds a policy from the Keyroom server. */
    public record Health(String status) {}
}
