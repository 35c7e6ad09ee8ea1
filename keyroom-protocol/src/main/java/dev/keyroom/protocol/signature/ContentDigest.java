package dev.keyroom.protocol.signature;

import dev.keyroom.protocol.sfv.StructuredFields;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** The {@code Content-Digest} field of RFC 9530, with the {@code sha-256} algorithm. */
public final class ContentDigest {
    private ContentDigest() {}

    /** The field value for a body whose SHA-256 is {@code sha256}. */
    public static String header(byte[] sha256) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }

    /**
     * The {@code sha-256} digest named by a Content-Digest field, if any. Other algorithms are
     * ignored, as RFC 9530 allows; a malformed field or a sha-256 digest of the wrong size is an
     * error.
     */
    public static Optional<byte[]> sha256(String field) throws SignatureException {
        Map<String, Object> dict;
        try {
            dict = StructuredFields.parseDictionary(field);
        } catch (StructuredFields.ParseException e) {
            throw new SignatureException("malformed Content-Digest");
        }
        Object member = dict.get("sha-256");
        if (member == null) {
            return Optional.empty();
        }
        if (member instanceof StructuredFields.Item item && item.value() instanceof byte[] digest) {
            if (digest.length != 32) {
                throw new SignatureException("sha-256 digest must be 32 bytes");
            }
            return Optional.of(digest);
        }
        throw new SignatureException("malformed Content-Digest");
    }
}
