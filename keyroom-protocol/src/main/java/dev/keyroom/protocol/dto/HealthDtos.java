package dev.keyroom.protocol.dto;

/** The JSON body of {@code /healthz}: the node's status and security posture. */
public final class HealthDtos {
    private HealthDtos() {}

    public record Posture(
            String auth, boolean tls, boolean cluster, String store, boolean requireEncryptedRooms, String role) {}

    public record Health(String status, String version, Posture posture) {}
}
