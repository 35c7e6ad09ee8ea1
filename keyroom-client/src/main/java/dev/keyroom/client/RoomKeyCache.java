package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import dev.keyroom.protocol.dto.RoomDtos;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caller's room keys: fetched sealed from the server and unsealed here with the caller's key
 * exchange key, so they never travel in clear. Epoch keys are unsealed once and kept until close.
 */
final class RoomKeyCache implements AutoCloseable {
    private final SignedTransport transport;
    private final Identity identity;
    private final Map<String, SecretBytes> epochKeys = new ConcurrentHashMap<>();

    RoomKeyCache(SignedTransport transport, Identity identity) {
        this.transport = transport;
        this.identity = identity;
    }

    /** The caller's sealed key of {@code epoch} (default: current), unsealed locally; the caller closes it. */
    SecretBytes unseal(RoomId room, Optional<Long> epoch) {
        RoomDtos.SealedKey k = transport.call(
                "GET",
                "/v1/rooms/" + room.value() + "/key"
                        + epoch.map(e -> "?epoch=" + e).orElse(""),
                null,
                RoomDtos.SealedKey.class);
        return RoomKeys.unseal(
                identity.kexPrivate(),
                identity.kexPub(),
                room,
                k.epoch(),
                Base64Url.decode(k.sealedKey(), "sealed_key"));
    }

    /** The caller's key of {@code room} at {@code epoch}, unsealed once and kept until close. */
    SecretBytes epochKey(RoomId room, long epoch) {
        return epochKeys.computeIfAbsent(room.value() + "/" + epoch, k -> unseal(room, Optional.of(epoch)));
    }

    @Override
    public void close() {
        epochKeys.values().forEach(SecretBytes::close);
        epochKeys.clear();
    }
}
