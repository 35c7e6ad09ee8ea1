package dev.keyroom.protocol.dto;

import java.util.List;

/** The JSON bodies of {@code /v1/users} and {@code /v1/me}. */
public final class UserDtos {
    private UserDtos() {}

    public record UserCreate(String signPub, String kexPub, String name, String role) {}

    public record User(
            String endpoint,
            String name,
            String role,
            String status,
            String signPub,
            String kexPub,
            String createdAt) {}

    public record Users(List<User> users) {}
}
