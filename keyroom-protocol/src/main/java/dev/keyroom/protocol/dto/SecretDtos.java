package dev.keyroom.protocol.dto;

import java.util.List;

/** The JSON bodies of a room's {@code secrets}. */
public final class SecretDtos {
    private SecretDtos() {}

    public record SecretPut(String value, Long ifVersion) {}

    public record SecretVersion(String name, long version) {}

    public record Secret(String name, long version, String value, String createdBy, String createdAt) {}

    public record SecretItem(String name, long version, String updatedAt) {}

    public record Secrets(List<SecretItem> secrets) {}
}
