package dev.keyroom.core.crypto;

import com.google.crypto.tink.subtle.X25519;
import dev.keyroom.core.error.KeyroomException;
import java.security.GeneralSecurityException;

/** X25519 (RFC 7748) key agreement keys as raw 32-byte values, for HPKE sealing. */
public final class X25519Keys {
    public static final int KEY_SIZE = 32;

    private X25519Keys() {}

    public static SecretBytes generatePrivateKey() {
        return SecretBytes.wrap(X25519.generatePrivateKey());
    }

    public static byte[] publicKey(SecretBytes privateKey) {
        byte[] sk = privateKey.unsafeBytes();
        try {
            return X25519.publicFromPrivate(sk);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("invalid X25519 private key", e);
        } finally {
            java.util.Arrays.fill(sk, (byte) 0);
        }
    }

    /**
     * Refuses a public key that is not 32 bytes or that yields an all-zero shared secret (a
     * low-order point), which would make every seal to it readable by anybody.
     */
    public static void requireValidPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != KEY_SIZE) {
            throw KeyroomException.badRequest("kex_pub must be 32 bytes");
        }
        try {
            byte[] probe = X25519.computeSharedSecret(X25519.generatePrivateKey(), publicKey);
            java.util.Arrays.fill(probe, (byte) 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw KeyroomException.badRequest("kex_pub is not a usable X25519 public key");
        }
    }
}
