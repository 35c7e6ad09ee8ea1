package dev.keyroom.protocol.grant;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A grant as it travels and is stored: the exact bytes of its JSON document and the granter's
 * Ed25519 signature over {@code "keyroom-grant-v1" || 0x00 || document}. The signature covers the
 * bytes, not a re-encoding, so no canonical form is needed; whoever honours a grant verifies it
 * against the granter's key and parses what was signed (GW-2).
 */
public record SignedGrant(byte[] document, byte[] signature) {
    private static final byte[] DOMAIN = "keyroom-grant-v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Signs {@code grant} (which must name {@code granter}'s endpoint) after validating it. */
    public static SignedGrant sign(GrantDocument grant, Identity granter) {
        grant.validate();
        if (!grant.granter().equals(granter.endpoint().value())) {
            throw new IllegalArgumentException("the grant names another granter");
        }
        byte[] document = Json.mapper().writeValueAsBytes(grant);
        return new SignedGrant(document, granter.sign(signingInput(document)));
    }

    /** Reads the wire form: base64url document and signature. */
    public static SignedGrant fromWire(String document, String signature) {
        if (document == null || signature == null) {
            throw KeyroomException.badRequest("grant: document and signature are required");
        }
        byte[] sig = Base64Url.decode(signature, "signature");
        if (sig.length != Ed25519.SIGNATURE_SIZE) {
            throw KeyroomException.badRequest("grant: signature must be 64 bytes");
        }
        return new SignedGrant(Base64Url.decode(document, "document"), sig);
    }

    public String documentText() {
        return Base64Url.encode(document);
    }

    public String signatureText() {
        return Base64Url.encode(signature);
    }

    /** The document, parsed and validated; BAD_REQUEST when it is not a valid grant. */
    public GrantDocument parse() {
        return GrantDocument.parse(document);
    }

    /** Whether {@code granterPublicKey} signed exactly these document bytes. */
    public boolean signedBy(byte[] granterPublicKey) {
        return Ed25519.verify(granterPublicKey, signingInput(document), signature);
    }

    private static byte[] signingInput(byte[] document) {
        byte[] input = Arrays.copyOf(DOMAIN, DOMAIN.length + document.length);
        System.arraycopy(document, 0, input, DOMAIN.length, document.length);
        return input;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedGrant g
                && Digests.constantTimeEquals(document, g.document)
                && Digests.constantTimeEquals(signature, g.signature);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(document) + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignedGrant[" + document.length + " bytes]";
    }
}
