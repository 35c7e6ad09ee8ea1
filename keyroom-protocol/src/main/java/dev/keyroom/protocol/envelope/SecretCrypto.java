package dev.keyroom.protocol.envelope;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.RoomId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.crypto.Cipher;

/**
 * Secret values of encrypted rooms, encrypted by the SDK so the server never sees them. Format
 * {@code "KRS1"} (4), epoch (8, big-endian), nonce (12), ciphertext with its 16-byte tag. The key is
 * HKDF-SHA256 of the room's epoch key with info {@code keyroom/v1/secret-key}; the associated data
 * is {@code keyroom/v1/secret}, a zero byte, the room id, a zero byte, the name, a zero byte, the
 * version as decimal, a zero byte, and the first 12 bytes (magic and epoch). A value served under
 * another room, name or version does not decrypt.
 */
public final class SecretCrypto {
    private static final byte[] MAGIC = "KRS1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "keyroom/v1/secret-key".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 4 + 8;

    private SecretCrypto() {}

    public static byte[] seal(
            RoomId room,
            String name,
            long version,
            long epoch,
            SecretBytes roomKey,
            byte[] plaintext,
            SecureRandom random) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] header = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(epoch).array();
        byte[] ct = RoomAead.apply(
                Cipher.ENCRYPT_MODE, roomKey, INFO, nonce, aad(room, name, version, header), plaintext, "cannot seal");
        return ByteBuffer.allocate(HEADER + 12 + ct.length)
                .put(header)
                .put(nonce)
                .put(ct)
                .array();
    }

    /** The epoch whose key opens {@code sealed}. */
    public static long epoch(byte[] sealed) {
        if (sealed.length < HEADER + 12 + 16
                || !java.security.MessageDigest.isEqual(java.util.Arrays.copyOf(sealed, 4), MAGIC)) {
            throw KeyroomException.badRequest("not an encrypted secret value");
        }
        return ByteBuffer.wrap(sealed, 4, 8).getLong();
    }

    public static byte[] open(RoomId room, String name, long version, SecretBytes roomKey, byte[] sealed) {
        epoch(sealed);
        byte[] header = java.util.Arrays.copyOf(sealed, HEADER);
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, HEADER, HEADER + 12);
        byte[] ct = java.util.Arrays.copyOfRange(sealed, HEADER + 12, sealed.length);
        return RoomAead.apply(
                Cipher.DECRYPT_MODE,
                roomKey,
                INFO,
                nonce,
                aad(room, name, version, header),
                ct,
                "the secret does not decrypt for this room, name and version");
    }

    private static byte[] aad(RoomId room, String name, long version, byte[] header) {
        byte[] text = ("keyroom/v1/secret\0" + room.value() + "\0" + name + "\0" + version + "\0")
                .getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(text.length + header.length)
                .put(text)
                .put(header)
                .array();
    }
}
