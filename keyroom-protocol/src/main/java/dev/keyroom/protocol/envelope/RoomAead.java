package dev.keyroom.protocol.envelope;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * End-to-end encryption under a room's epoch key: a purpose key by HKDF-SHA256 (BouncyCastle) of the
 * epoch key with a versioned {@code info} label, so the epoch key itself never keys a cipher, then
 * the JDK's ChaCha20-Poly1305 with a 96-bit nonce and associated data. Messages and secret values
 * use it under different labels.
 */
final class RoomAead {
    private RoomAead() {}

    /** Encrypts or decrypts; a failure to decrypt raises {@code BAD_REQUEST} with {@code failure}. */
    static byte[] apply(
            int mode, SecretBytes roomKey, byte[] info, byte[] nonce, byte[] aad, byte[] input, String failure) {
        byte[] ikm = roomKey.unsafeBytes();
        byte[] key = new byte[32];
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, null, info));
            hkdf.generateBytes(key, 0, key.length);
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            c.updateAAD(aad);
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new KeyroomException(ErrorCode.BAD_REQUEST, failure);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }
}
