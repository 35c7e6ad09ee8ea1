package dev.keyroom.core.rooms;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.identity.EndpointId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Sealed room keys at rest (SEC-2). A sealed key is already HPKE ciphertext to its member; the
 * server seals it again under its keyring, bound to room, epoch and member, so a stolen database
 * holds neither and a wrapped key copied to another member's row fails to open. Stored form:
 * {@code "KRW1"}, the keyring key id (4 bytes), the nonce (12), the ciphertext. A value without the
 * prefix was stored before this existed and is served as it is until a rewrap wraps it.
 */
public final class AtRestKeys {
    private static final byte[] MAGIC = "KRW1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 4 + 4 + 12;

    private AtRestKeys() {}

    public static String context(RoomId room, long epoch, EndpointId member) {
        return "sealed-key\0" + room.value() + "\0" + epoch + "\0" + member.value();
    }

    public static byte[] wrap(
            Keyring keyring, RoomId room, long epoch, EndpointId member, byte[] sealed, SecureRandom random) {
        Keyring.Sealed s = keyring.seal(context(room, epoch, member), sealed, random);
        return ByteBuffer.allocate(HEADER + s.ciphertext().length)
                .put(MAGIC)
                .putInt(s.keyId())
                .put(s.nonce())
                .put(s.ciphertext())
                .array();
    }

    /** The HPKE-sealed key inside {@code stored}; a value moved from another row raises INTERNAL. */
    public static byte[] unwrap(Keyring keyring, RoomId room, long epoch, EndpointId member, byte[] stored) {
        OptionalInt keyId = keyIdOf(stored);
        if (keyId.isEmpty()) {
            return stored;
        }
        return keyring.open(
                context(room, epoch, member),
                new Keyring.Sealed(
                        keyId.getAsInt(),
                        Arrays.copyOfRange(stored, 8, HEADER),
                        Arrays.copyOfRange(stored, HEADER, stored.length)));
    }

    /** The keyring key a stored value is wrapped under; empty for a value stored before wrapping. */
    public static OptionalInt keyIdOf(byte[] stored) {
        if (stored.length <= HEADER || !MessageDigest.isEqual(Arrays.copyOf(stored, 4), MAGIC)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(stored, 4, 4).getInt());
    }
}
