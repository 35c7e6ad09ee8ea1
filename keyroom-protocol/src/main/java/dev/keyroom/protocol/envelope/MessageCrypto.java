package dev.keyroom.protocol.envelope;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.crypto.Cipher;

/**
 * Sealing and opening of room messages. The message key is derived from the room's epoch key by
 * HKDF-SHA256 (BouncyCastle) with a versioned label, so the epoch key itself is never used as a
 * cipher key; the cipher is the JDK's ChaCha20-Poly1305 with a random 96-bit nonce and the
 * envelope header as associated data. Opening checks the signature before decrypting.
 */
public final class MessageCrypto {
    static final byte[] MESSAGE_KEY_INFO = "keyroom/v1/message-key".getBytes(StandardCharsets.US_ASCII);

    private MessageCrypto() {}

    /** Seals {@code plaintext} for {@code room} at {@code epoch}; a null room key makes a cleartext envelope. */
    public static Envelope seal(
            Identity sender,
            RoomId room,
            long epoch,
            SecretBytes roomKey,
            byte[] plaintext,
            SecureRandom random,
            Clock clock) {
        byte[] messageId = new byte[16];
        random.nextBytes(messageId);
        byte[] nonce = new byte[12];
        boolean encrypted = roomKey != null;
        if (encrypted) {
            random.nextBytes(nonce);
        }
        Envelope unsigned = new Envelope(
                encrypted,
                room,
                epoch,
                sender.endpoint(),
                messageId,
                clock.now().toEpochMilli(),
                nonce,
                new byte[0],
                new byte[64]);
        byte[] payload =
                encrypted ? aead(Cipher.ENCRYPT_MODE, roomKey, nonce, unsigned.header(), plaintext) : plaintext;
        Envelope body = new Envelope(
                encrypted,
                room,
                epoch,
                sender.endpoint(),
                messageId,
                unsigned.sentAtMillis(),
                nonce,
                payload,
                new byte[64]);
        return new Envelope(
                encrypted,
                room,
                epoch,
                sender.endpoint(),
                messageId,
                body.sentAtMillis(),
                nonce,
                payload,
                sender.sign(body.signedBytes()));
    }

    /**
     * Opens an envelope: the signature must be the sender's, then the payload must decrypt under
     * the room key of its epoch with its header as associated data. Fails with {@code bad_request}.
     */
    public static byte[] open(Envelope e, byte[] senderSignPub, SecretBytes roomKey) {
        if (!e.signatureValid(senderSignPub)) {
            throw new KeyroomException(ErrorCode.BAD_REQUEST, "message signature does not verify");
        }
        if (!e.encrypted()) {
            return e.payload();
        }
        if (roomKey == null) {
            throw new KeyroomException(ErrorCode.BAD_REQUEST, "encrypted message but no room key");
        }
        return aead(Cipher.DECRYPT_MODE, roomKey, e.nonce(), e.header(), e.payload());
    }

    private static byte[] aead(int mode, SecretBytes roomKey, byte[] nonce, byte[] aad, byte[] input) {
        return RoomAead.apply(
                mode, roomKey, MESSAGE_KEY_INFO, nonce, aad, input, "message does not decrypt for this room and epoch");
    }
}
