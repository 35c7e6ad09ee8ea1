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
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw KeyroomException.badRequest(field + " is not base64url without padding");
            }
        }
        try {
            return DECODER.decode(value);
        } catch (IllegalArgumentException e) {
            throw KeyroomException.badRequest(field + " is not base64url without padding");
        }
    }
}
