package dev.keyroom.core.crypto;

import dev.keyroom.core.error.KeyroomException;
import java.util.Base64;

/** The protocol's encoding of binary values in JSON: base64url without padding. */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Decodes strict base64url: no padding, no whitespace, no standard-alphabet characters.
     *
     * @param field names the field in the error message
     */
    public static byte[] decode(String value, String field) {
        if (value == null) {
            throw KeyroomException.badRequest(field + " is missing");
        }
        // The JDK's URL decoder refuses every character outside the alphabet (a character beyond
        // Latin-1 reaches it as '?'), and a length no encoding has; it would take padding, which
        // the protocol does not. One scan for '=' is far cheaper than a check of each character
        // (it is the hottest part of a replication batch's checks).
        if (value.indexOf('=') >= 0) {
            throw KeyroomException.badRequest(field + " is not base64url without padding");
        }
        try {
            return DECODER.decode(value);
        } catch (IllegalArgumentException e) {
            throw KeyroomException.badRequest(field + " is not base64url without padding");
        }
    }
}
