package dev.keyroom.client;

import java.nio.charset.StandardCharsets;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The room ciphers as docs/protocol.md states them, composed here from primitives (BouncyCastle's
 * HKDF, the JDK's ChaCha20-Poly1305), so the vectors check the prose as well as the SDK.
 */
final class RoomCipher {
    private RoomCipher() {}

    /** HKDF-SHA256 with no salt (RFC 5869: 32 zero bytes), {@code ikm} and the ASCII {@code info}; 32 bytes. */
    static byte[] derive(byte[] ikm, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, new byte[32], info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    /** ChaCha20-Poly1305 (RFC 8439) decryption of {@code ciphertext} (tag last). */
    static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) throws Exception {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(aad);
        return c.doFinal(ciphertext);
    }
}
