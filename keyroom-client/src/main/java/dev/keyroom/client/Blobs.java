package dev.keyroom.client;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A room's blobs: content-addressed by the SHA-256 of what is stored, encrypted here under a
 * per-blob key in encrypted rooms, and streamed through temporary files rather than memory.
 */
public final class Blobs extends Resource {
    /** Tink's ciphertext segment size for blobs: 1 MiB (docs/protocol-crypto.md). */
    static final int BLOB_SEGMENT = 1 << 20;

    private final Rooms rooms;

    Blobs(ClientContext context, Rooms rooms) {
        super(context);
        this.rooms = rooms;
    }

    /** A blob's associated data: {@code keyroom/v1/blob}, a zero byte and the room id in hex. */
    static byte[] blobAad(RoomId room) {
        return ("keyroom/v1/blob\0" + room.value()).getBytes(StandardCharsets.US_ASCII);
    }

    private static String blobPath(RoomId room, String address) {
        return "/v1/rooms/" + room.value() + "/blobs/" + address;
    }

    /**
     * Uploads {@code plaintext} to {@code room}. In encrypted rooms it is first encrypted with
     * Tink's streaming AEAD (AES-256-GCM-HKDF, 1 MiB segments) under a fresh per-blob key, so the
     * stored blob alone reveals nothing; the returned reference carries that key. Memory use is a
     * buffer: the ciphertext is staged in a temporary file.
     */
    public BlobRef put(RoomId room, InputStream plaintext) throws IOException {
        boolean encrypted = Rooms.encrypted(rooms.get(room));
        Path staged = Files.createTempFile("keyroom-blob-", ".part");
        SecretBytes key = null;
        try {
            MessageDigest sha = Digests.sha256();
            try (OutputStream file = new DigestOutputStream(Files.newOutputStream(staged), sha)) {
                if (encrypted) {
                    key = RoomKeys.generate(random);
                    try (OutputStream enc = streaming(key).newEncryptingStream(file, blobAad(room))) {
                        plaintext.transferTo(enc);
                    }
                } else {
                    plaintext.transferTo(file);
                }
            } catch (GeneralSecurityException x) {
                throw new IOException("cannot encrypt the blob", x);
            }
            byte[] digest = sha.digest();
            String address = HexFormat.of().formatHex(digest);
            long size = Files.size(staged);
            transport.upload(blobPath(room, address), staged, size, digest);
            BlobRef ref = new BlobRef(address, size, key);
            key = null;
            return ref;
        } finally {
            if (key != null) {
                key.close();
            }
            Files.deleteIfExists(staged);
        }
    }

    /**
     * Downloads the blob {@code ref} names from {@code room} into {@code out}: the stored bytes must
     * hash to the address (checked before a byte is decrypted), then they are decrypted with the
     * reference's key in encrypted rooms.
     */
    public void get(RoomId room, BlobRef ref, OutputStream out) throws IOException {
        Path staged = Files.createTempFile("keyroom-blob-", ".get");
        try {
            transport.download(blobPath(room, ref.sha256()), staged);
            MessageDigest sha = Digests.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(staged), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            if (!Digests.constantTimeEquals(sha.digest(), HexFormat.of().parseHex(ref.sha256()))) {
                throw new IOException("the server returned bytes that do not hash to the blob address");
            }
            try (InputStream in = Files.newInputStream(staged)) {
                if (ref.key() == null) {
                    in.transferTo(out);
                } else {
                    try (InputStream dec = streaming(ref.key()).newDecryptingStream(in, blobAad(room))) {
                        dec.transferTo(out);
                    } catch (GeneralSecurityException x) {
                        throw new IOException("the blob does not decrypt with this key", x);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    private static AesGcmHkdfStreaming streaming(SecretBytes key) throws GeneralSecurityException {
        return streaming(key, BLOB_SEGMENT);
    }

    /**
     * Tink's AES-GCM-HKDF streaming AEAD as blobs use it (HKDF-SHA256, 32-byte keys, no first segment
     * offset); {@code segmentSize} is {@link #BLOB_SEGMENT} but for test vectors that need small segments.
     */
    static AesGcmHkdfStreaming streaming(SecretBytes key, int segmentSize) throws GeneralSecurityException {
        byte[] ikm = key.unsafeBytes();
        try {
            return new AesGcmHkdfStreaming(ikm, "HmacSha256", 32, segmentSize, 0);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }
}
