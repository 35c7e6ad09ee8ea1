package dev.keyroom.protocol.signature;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.protocol.sfv.StructuredFields.InnerList;

/**
 * Verifies an Ed25519 HTTP message signature (RFC 9421 section 3.2 with section 3.3.6) over the
 * signature base rebuilt from the request. This is the cryptographic check alone; the profile's
 * policy (required components, time window, nonce) is checked around it by the caller.
 */
public final class SignatureVerifier {
    private SignatureVerifier() {}

    /**
     * True when {@code signature} is a valid Ed25519 signature by {@code publicKey} of the base of
     * {@code params} over {@code request}; false for any failure, including a base that cannot be
     * built.
     */
    public static boolean verify(InnerList params, HttpRequestView request, byte[] publicKey, byte[] signature) {
        byte[] base;
        try {
            base = SignatureBase.build(params, request);
        } catch (SignatureException e) {
            return false;
        }
        return Ed25519.verify(publicKey, base, signature);
    }
}
