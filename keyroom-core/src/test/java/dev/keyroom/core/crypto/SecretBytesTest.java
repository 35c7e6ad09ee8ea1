package dev.keyroom.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.identity.Identity;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** SEC-1: secret-holding types. */
class SecretBytesTest {
    @Test
    void toString_isRedacted() {
        // SEC-1: printing a secret never shows it.
        try (SecretBytes s = SecretBytes.copyOf(new byte[] {0x41, 0x42, 0x43})) {
            assertThat(s.toString()).isEqualTo("[REDACTED]");
            assertThat(String.valueOf(s)).doesNotContain("ABC").doesNotContain("65");
        }
        try (Identity id = Identity.generate(new SecureRandom())) {
            assertThat(id.toString())
                    .contains("[REDACTED]")
                    .doesNotContain(Base64Url.encode(id.signSeed().unsafeBytes()));
        }
    }

    @Test
    void equals_comparesContent() {
        try (SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2, 3});
                SecretBytes b = SecretBytes.copyOf(new byte[] {1, 2, 3});
                SecretBytes c = SecretBytes.copyOf(new byte[] {1, 2, 4})) {
            assertThat(a).isEqualTo(b).isNotEqualTo(c);
        }
    }

    @Test
    void close_zeroesTheBufferAndForbidsUse() {
        byte[] owned = {9, 9, 9};
        SecretBytes s = SecretBytes.wrap(owned);
        s.close();
        assertThat(owned).containsOnly(0);
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(s::unsafeBytes).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unsafeBytes_returnsACopy() {
        try (SecretBytes s = SecretBytes.copyOf(new byte[] {5, 6})) {
            byte[] out = s.unsafeBytes();
            out[0] = 0;
            assertThat(s.unsafeBytes()).containsExactly(5, 6);
        }
    }
}
