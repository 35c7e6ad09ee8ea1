package dev.keyroom.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.error.KeyroomException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Ed25519Test {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void sign_rfc8032Test2_matchesTheRfc() {
        // RFC 8032 section 7.1, TEST 2.
        try (SecretBytes seed =
                SecretBytes.wrap(HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))) {
            assertThat(HEX.formatHex(Ed25519.publicKey(seed)))
                    .isEqualTo("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
            byte[] sig = Ed25519.sign(seed, HEX.parseHex("72"));
            assertThat(HEX.formatHex(sig))
                    .isEqualTo("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        }
    }

    @Test
    void verify_wrongSizes_returnsFalseWithoutThrowing() {
        assertThat(Ed25519.verify(new byte[31], new byte[0], new byte[64])).isFalse();
        assertThat(Ed25519.verify(new byte[32], new byte[0], new byte[63])).isFalse();
        assertThat(Ed25519.verify(null, new byte[0], null)).isFalse();
    }

    @Test
    void requireValidPublicKey_smallOrderPoint_isRefused() {
        // The identity point (y = 1) has order 1: a key anybody can "sign" for.
        byte[] identityPoint = new byte[32];
        identityPoint[0] = 1;
        assertThatThrownBy(() -> Ed25519.requireValidPublicKey(identityPoint)).isInstanceOf(KeyroomException.class);
    }
}
