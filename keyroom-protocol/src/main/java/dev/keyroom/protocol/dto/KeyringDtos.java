package dev.keyroom.protocol.dto;

import java.util.List;

/** The JSON bodies of {@code /v1/keyring} (admin). */
public final class KeyringDtos {
    private KeyringDtos() {}

    public record KeyringKey(int id, long items, boolean current) {}

    public record KeyringStatus(
            int current, List<KeyringKey> keys, boolean rewrapping, long rewrapped, long unreadable) {}
}
