package dev.keyroom.core.identity;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.KeyroomException;
import java.util.HexFormat;

/**
 * An endpoint id: the first 16 bytes of SHA-256 over a raw Ed25519 public key, as 32 lowercase
 * hex characters. Self-certifying: {@link #matches(byte[])} checks it against a key.
 */
public record EndpointId(String value) implements Comparable<EndpointId> {
    public EndpointId {
        if (!isWellFormed(value)) {
            throw KeyroomException.badRequest("endpoint id must be 32 lowercase hex characters");
        }
    }

    public static EndpointId parse(String value) {
        return new EndpointId(value);
    }

    public static boolean isWellFormed(String value) {
        if (value == null || value.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The endpoint id of an Ed25519 public key. */
    public static EndpointId of(byte[] signPublicKey) {
        byte[] digest = Digests.sha256(signPublicKey);
        return new EndpointId(HexFormat.of().formatHex(digest, 0, 16));
    }

    public boolean matches(byte[] signPublicKey) {
        return Digests.constantTimeEquals(
                value.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                of(signPublicKey).value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The first 8 characters, for logs (LOG-3). */
    public String shortForm() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(EndpointId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
