package dev.keyroom.core.crypto;

import dev.keyroom.core.error.KeyroomException;
import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032) over raw 32-byte keys and 64-byte signatures, by BouncyCastle's low-level
 * implementation (several times faster than the JDK's SunEC). Nothing here is hand-written
 * cryptography: this class only sizes and validates inputs.
 */
public final class Ed25519 {
    public static final int KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;

    private Ed25519() {}

    /** Generates a fresh private seed. */
    public static SecretBytes generateSeed(SecureRandom random) {
        byte[] seed = new byte[KEY_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(random, seed);
        return SecretBytes.wrap(seed);
    }

    /** The public key of a private seed. */
    public static byte[] publicKey(SecretBytes seed) {
        byte[] sk = seed.unsafeBytes();
        try {
            byte[] pk = new byte[KEY_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(sk, 0, pk, 0);
            return pk;
        } finally {
            java.util.Arrays.fill(sk, (byte) 0);
        }
    }

    public static byte[] sign(SecretBytes seed, byte[] message) {
        byte[] sk = seed.unsafeBytes();
        try {
            byte[] sig = new byte[SIGNATURE_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(sk, 0, message, 0, message.length, sig, 0);
            return sig;
        } finally {
            java.util.Arrays.fill(sk, (byte) 0);
        }
    }

    /**
     * Verifies {@code signature} over {@code message}. Wrong sizes and malformed keys verify false;
     * this never throws on attacker-controlled input.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null
                || signature == null
                || publicKey.length != KEY_SIZE
                || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        try {
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
                    signature, 0, publicKey, 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks that a public key is a canonical encoding of a point of the prime-order subgroup, so
     * that weak or small-order keys are never registered.
     */
    public static void requireValidPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != KEY_SIZE) {
            throw KeyroomException.badRequest("sign_pub must be 32 bytes");
        }
        if (!org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(publicKey, 0)) {
            throw KeyroomException.badRequest("sign_pub is not a valid Ed25519 public key");
        }
    }
}
