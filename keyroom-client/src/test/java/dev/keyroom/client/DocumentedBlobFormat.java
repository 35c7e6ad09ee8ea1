package dev.keyroom.client;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The blob format as docs/protocol.md spells it out (Tink's AES-GCM-HKDF streaming AEAD with
 * 32-byte keys, HKDF-SHA256 and no first-segment offset), decrypted from primitives:
 * BouncyCastle's HKDF and the JDK's AES-GCM. The vectors hold the SDK's blobs to this reading, so
 * the prose is checked as well as the code.
 */
final class DocumentedBlobFormat {
    static final int HEADER = 1 + 32 + 7;
    static final int TAG = 16;

    /** One segment of a blob: where its ciphertext lies and the nonce it was sealed under. */
    record Segment(int offset, int length, byte[] nonce, boolean last) {}

    /** The header's parts, the derived key and the segments of a blob. */
    record Layout(byte[] salt, byte[] noncePrefix, byte[] key, List<Segment> segments) {}

    private DocumentedBlobFormat() {}

    static Layout layout(byte[] blobKey, byte[] associatedData, int segmentSize, byte[] blob)
            throws GeneralSecurityException {
        if (blob.length < HEADER + TAG || blob[0] != HEADER) {
            throw new GeneralSecurityException("no header");
        }
        byte[] salt = Arrays.copyOfRange(blob, 1, 33);
        byte[] prefix = Arrays.copyOfRange(blob, 33, HEADER);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(blobKey, salt, associatedData));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        List<Segment> segments = new ArrayList<>();
        int at = HEADER;
        for (int i = 0; ; i++) {
            int full = i == 0 ? segmentSize - HEADER : segmentSize;
            int length = Math.min(full, blob.length - at);
            boolean last = at + length == blob.length;
            if (length < TAG) {
                throw new GeneralSecurityException("segment shorter than its tag");
            }
            byte[] nonce = ByteBuffer.allocate(12)
                    .put(prefix)
                    .putInt(i)
                    .put((byte) (last ? 1 : 0))
                    .array();
            segments.add(new Segment(at, length, nonce, last));
            at += length;
            if (last) {
                return new Layout(salt, prefix, key, segments);
            }
        }
    }

    static byte[] decrypt(byte[] blobKey, byte[] associatedData, int segmentSize, byte[] blob)
            throws GeneralSecurityException {
        Layout layout = layout(blobKey, associatedData, segmentSize, blob);
        ByteBuffer out = ByteBuffer.allocate(blob.length);
        for (Segment s : layout.segments()) {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(layout.key(), "AES"), new GCMParameterSpec(128, s.nonce()));
            out.put(gcm.doFinal(blob, s.offset(), s.length()));
        }
        return Arrays.copyOf(out.array(), out.position());
    }
}
