package dev.keyroom.protocol.envelope;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A room message as it travels and is stored: version 1 of the byte format of {@code
 * docs/protocol.md}. All integers big-endian.
 *
 * <pre>
 * magic      4   "KRM1"
 * flags      1   bit 0: payload encrypted
 * room      16   room id
 * epoch      8   the room epoch whose key encrypted it
 * sender    16   sender's endpoint id
 * message   16   random message id
 * sent_at    8   sender's clock, Unix milliseconds
 * nonce     12   AEAD nonce (zero when not encrypted)
 * length     4   payload length
 * payload    n   ChaCha20-Poly1305 ciphertext with tag, or the cleartext
 * signature 64   Ed25519 by the sender over every byte before it
 * </pre>
 *
 * The header (magic through nonce) is the AEAD's associated data, so room, epoch, sender and
 * message id are bound to the ciphertext as well as signed.
 */
public record Envelope(
        boolean encrypted,
        RoomId room,
        long epoch,
        EndpointId sender,
        byte[] messageId,
        long sentAtMillis,
        byte[] nonce,
        byte[] payload,
        byte[] signature) {

    static final byte[] MAGIC = "KRM1".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER = 4 + 1 + 16 + 8 + 16 + 16 + 8 + 12;
    public static final int MAX_PAYLOAD = 256 * 1024;

    /** A malformed envelope; the message says what, never quoting the input. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    public Envelope {
        if (messageId.length != 16 || nonce.length != 12 || signature.length != 64) {
            throw new IllegalArgumentException("message id 16, nonce 12 and signature 64 bytes");
        }
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload over " + MAX_PAYLOAD + " bytes");
        }
        messageId = messageId.clone();
        nonce = nonce.clone();
        payload = payload.clone();
        signature = signature.clone();
    }

    /** The header bytes: the AEAD's associated data. */
    public byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(MAGIC).put((byte) (encrypted ? 1 : 0));
        b.put(HexFormat.of().parseHex(room.value())).putLong(epoch);
        b.put(HexFormat.of().parseHex(sender.value()))
                .put(messageId)
                .putLong(sentAtMillis)
                .put(nonce);
        return b.array();
    }

    /** The bytes the signature covers: header, length and payload. */
    public byte[] signedBytes() {
        return ByteBuffer.allocate(HEADER + 4 + payload.length)
                .put(header())
                .putInt(payload.length)
                .put(payload)
                .array();
    }

    public byte[] encode() {
        byte[] signed = signedBytes();
        return ByteBuffer.allocate(signed.length + 64)
                .put(signed)
                .put(signature)
                .array();
    }

    /** Whether the signature is the sender's, by the sender's Ed25519 public key. */
    public boolean signatureValid(byte[] senderSignPub) {
        return Ed25519.verify(senderSignPub, signedBytes(), signature);
    }

    /** The message id as 32 lowercase hex characters. */
    public String messageIdHex() {
        return HexFormat.of().formatHex(messageId);
    }

    /** Parses exactly one envelope; any other length or a bad field is refused. */
    public static Envelope parse(byte[] bytes) throws FormatException {
        if (bytes == null || bytes.length < HEADER + 4 + 64) {
            throw new FormatException("envelope too short");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Digests.constantTimeEquals(magic, MAGIC)) {
            throw new FormatException("not a version 1 envelope");
        }
        byte flags = b.get();
        if ((flags & ~1) != 0) {
            throw new FormatException("unknown envelope flags");
        }
        byte[] room = new byte[16];
        b.get(room);
        long epoch = b.getLong();
        byte[] sender = new byte[16];
        b.get(sender);
        byte[] messageId = new byte[16];
        b.get(messageId);
        long sentAt = b.getLong();
        byte[] nonce = new byte[12];
        b.get(nonce);
        int length = b.getInt();
        if (length < 0 || length > MAX_PAYLOAD || bytes.length != HEADER + 4 + length + 64) {
            throw new FormatException("envelope length does not match its payload length");
        }
        if (epoch < 0) {
            throw new FormatException("negative epoch");
        }
        byte[] payload = new byte[length];
        b.get(payload);
        byte[] signature = new byte[64];
        b.get(signature);
        return new Envelope(
                (flags & 1) == 1,
                new RoomId(HexFormat.of().formatHex(room)),
                epoch,
                new EndpointId(HexFormat.of().formatHex(sender)),
                messageId,
                sentAt,
                nonce,
                payload,
                signature);
    }

    @Override
    public byte[] messageId() {
        return messageId.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
