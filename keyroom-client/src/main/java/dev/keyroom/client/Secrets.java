package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.vault.VaultService;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.dto.SecretDtos;
import dev.keyroom.protocol.envelope.SecretCrypto;
import java.util.List;
import java.util.Optional;

/**
 * A room's vault of versioned secrets. In encrypted rooms values are sealed and opened here under
 * the room's keys, bound to room, name and version, so the server never sees them.
 */
public final class Secrets extends Resource {
    private final Rooms rooms;

    Secrets(ClientContext context, Rooms rooms) {
        super(context);
        this.rooms = rooms;
    }

    private static String secretPath(RoomId room, String name) {
        try {
            VaultService.requireName(name);
        } catch (KeyroomException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return "/v1/rooms/" + room.value() + "/secrets/" + name;
    }

    /**
     * Writes the next version of a secret. {@code ifVersion} is the version the caller saw (0 for a
     * new secret); a racing write makes this fail with 409. In encrypted rooms the value is sealed
     * here under the room's current key, bound to room, name and the version being written, so the
     * server never sees it. Returns the new version.
     */
    public long put(RoomId room, String name, byte[] value, long ifVersion) {
        RoomDtos.Room r = rooms.get(room);
        byte[] stored = Rooms.encrypted(r)
                ? SecretCrypto.seal(room, name, ifVersion + 1, r.epoch(), keys.epochKey(room, r.epoch()), value, random)
                : value;
        return transport
                .call(
                        "PUT",
                        secretPath(room, name),
                        new SecretDtos.SecretPut(Base64Url.encode(stored), ifVersion),
                        SecretDtos.SecretVersion.class)
                .version();
    }

    /** Reads a secret (the latest version when {@code version} is empty), decrypting it in encrypted rooms. */
    public SecretValue get(RoomId room, String name, Optional<Long> version) {
        SecretDtos.Secret s = transport.call(
                "GET",
                secretPath(room, name) + version.map(v -> "?version=" + v).orElse(""),
                null,
                SecretDtos.Secret.class);
        if (!s.name().equals(name) || version.isPresent() && s.version() != version.get()) {
            throw new KeyroomApiException(200, ErrorCode.INTERNAL, "the server answered for another secret", null);
        }
        byte[] stored = Base64Url.decode(s.value(), "value");
        byte[] plain = Rooms.encrypted(rooms.get(room))
                ? SecretCrypto.open(room, name, s.version(), keys.epochKey(room, SecretCrypto.epoch(stored)), stored)
                : stored;
        return new SecretValue(s.name(), s.version(), SecretBytes.wrap(plain), s.createdBy(), s.createdAt());
    }

    /** The room's live secrets (not for agents). */
    public List<SecretDtos.SecretItem> list(RoomId room) {
        return transport
                .call("GET", "/v1/rooms/" + room.value() + "/secrets", null, SecretDtos.Secrets.class)
                .secrets();
    }

    /** Deletes a secret: a tombstone version. */
    public void delete(RoomId room, String name) {
        transport.call("DELETE", secretPath(room, name), null, Void.class);
    }
}
