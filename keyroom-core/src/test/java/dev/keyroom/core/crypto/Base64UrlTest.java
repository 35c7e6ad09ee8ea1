package dev.keyroom.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.error.KeyroomException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol's base64url: strict, without padding, and a clear error naming the field. */
class Base64UrlTest {
    @Test
    void everyLengthRoundTrips() {
        Random random = new Random(7);
        for (int n = 0; n < 70; n++) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            String encoded = Base64Url.encode(bytes);
            assertThat(encoded).doesNotContain("=", "+", "/");
            assertThat(Base64Url.decode(encoded, "f")).isEqualTo(bytes);
        }
        assertThat(Base64Url.decode("-_-_", "f")).isEqualTo(new byte[] {(byte) 0xfb, (byte) 0xff, (byte) 0xbf});
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "AAE=", // padding
                "AA==",
                "AA=A",
                "+/8", // the standard alphabet
                "AA E", // whitespace
                "AAE\n",
                " AAE",
                "AAé", // not ASCII
                "AA\u0000E",
                "A", // a length no encoding has
                "AAAAA",
            })
    void anythingElseIsRefused_namingTheField(String value) {
        assertThatThrownBy(() -> Base64Url.decode(value, "nonce"))
                .isInstanceOf(KeyroomException.class)
                .hasMessage("nonce is not base64url without padding");
    }

    @Test
    void aMissingValueIsRefused() {
        assertThatThrownBy(() -> Base64Url.decode(null, "nonce"))
                .isInstanceOf(KeyroomException.class)
                .hasMessage("nonce is missing");
    }

    @Test
    void aLongValueDecodes() {
        byte[] bytes = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        assertThat(Base64Url.decode(Base64Url.encode(bytes), "f")).isEqualTo(bytes);
    }
}
