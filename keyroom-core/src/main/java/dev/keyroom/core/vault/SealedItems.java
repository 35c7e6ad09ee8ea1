package dev.keyroom.core.vault;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.util.List;
import java.util.Map;

/**
 * What the server's keyring seals at rest (SEC-2, SEC-3): secret versions and sealed room keys, as
 * the keyring service re-wraps them under a new key. The guarantees and errors of {@code Store}
 * hold.
 */
public interface SealedItems {
    /** A member's stored sealed key, for re-wrapping. */
    record SealedKeyRow(RoomId room, long epoch, EndpointId member, byte[] stored) {}

    /** A sealed secret version, for re-wrapping. */
    record SealedRow(RoomId room, String name, long version, Keyring.Sealed sealed) {}

    /**
     * How many stored items (secret versions and sealed room keys) each keyring key seals; key 0
     * counts sealed keys stored before they were wrapped.
     */
    Map<Integer, Long> countByKey();

    /**
     * Up to {@code limit} stored sealed keys not wrapped under keyring key {@code keyId} (those stored
     * before wrapping existed included).
     */
    List<SealedKeyRow> keysNotUnder(int keyId, int limit);

    /** Replaces a stored sealed key if it is still {@code expected}'s bytes; false otherwise. */
    boolean resealKey(SealedKeyRow expected, byte[] replacement);

    /** Up to {@code limit} secret versions sealed under a key other than {@code keyId}. */
    List<SealedRow> secretsNotUnder(int keyId, int limit);

    /**
     * Replaces a version's sealed value if it is still {@code expected} (same key and nonce); false
     * when it changed or went meanwhile.
     */
    boolean resealSecret(SealedRow expected, Keyring.Sealed replacement);
}
