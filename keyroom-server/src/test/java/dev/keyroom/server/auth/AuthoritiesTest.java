package dev.keyroom.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.tls.TlsMaterial;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AUTH-1: which authorities a node takes as its own. */
class AuthoritiesTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void byDefault_theListenAddressAndTheCertificatesNames_atTheListeningPort() {
        TlsMaterial cert = TlsMaterial.selfSigned(List.of("keyroom.example.com", "10.1.2.3", "::1"), RANDOM);
        Authorities a = Authorities.ofListener("https", "127.0.0.1", () -> 8443, Optional.of(cert.certificate()));
        assertThat(a.accepts("https", "127.0.0.1:8443")).isTrue();
        assertThat(a.accepts("https", "LOCALHOST:8443"))
                .as("loopback answers to localhost")
                .isTrue();
        assertThat(a.accepts("https", "keyroom.example.com:8443")).isTrue();
        assertThat(a.accepts("https", "10.1.2.3:8443")).isTrue();
        assertThat(a.accepts("https", "[::1]:8443")).isTrue();
        assertThat(a.accepts("https", "[0:0:0:0:0:0:0:1]:8443"))
                .as("one address, two spellings")
                .isTrue();
        assertThat(a.accepts("https", "keyroom.example.com:8444"))
                .as("another port")
                .isFalse();
        assertThat(a.accepts("https", "keyroom.example.com"))
                .as("the default port is 443")
                .isFalse();
        assertThat(a.accepts("https", "evil.example:8443")).isFalse();
        assertThat(a.accepts("https", "keyroom.example.com.:8443")).isFalse();
        assertThat(a.accepts("https", "user@keyroom.example.com:8443")).isFalse();
        assertThat(a.accepts("https", "keyroom.example.com:8443:1")).isFalse();
        assertThat(a.accepts("https", "")).isFalse();
        assertThat(a.describe()).contains("127.0.0.1:8443", "localhost:8443", "keyroom.example.com:8443", "[::1]:8443");
    }

    @Test
    void onPort443_theNameAloneIsTheAuthority() {
        TlsMaterial cert = TlsMaterial.selfSigned(List.of("keyroom.example.com"), RANDOM);
        Authorities a = Authorities.ofListener("https", "127.0.0.1", () -> 443, Optional.of(cert.certificate()));
        assertThat(a.accepts("https", "keyroom.example.com")).isTrue();
        assertThat(a.accepts("https", "keyroom.example.com:443")).isTrue();
        assertThat(a.describe()).contains("keyroom.example.com");
    }

    @Test
    void wildcardNamesInTheCertificate_areNotTaken_andAReloadReplacesTheNames() {
        TlsMaterial wild = TlsMaterial.selfSigned(List.of("*.example.com"), RANDOM);
        Authorities a = Authorities.ofListener("https", "127.0.0.1", () -> 8443, Optional.of(wild.certificate()));
        assertThat(a.accepts("https", "a.example.com:8443")).isFalse();
        a.certificateChanged(
                TlsMaterial.selfSigned(List.of("new.example.com"), RANDOM).certificate());
        assertThat(a.accepts("https", "new.example.com:8443")).isTrue();
    }

    @Test
    void configured_replacesTheDefault() {
        Authorities a = Authorities.configured(List.of("keyroom.example.com", "10.0.0.5:8443"), "https");
        assertThat(a.accepts("https", "keyroom.example.com:443")).isTrue();
        assertThat(a.accepts("https", "10.0.0.5:8443")).isTrue();
        assertThat(a.accepts("https", "127.0.0.1:8443")).isFalse();
        assertThat(a.describe()).containsExactly("keyroom.example.com", "10.0.0.5:8443");
    }

    @Test
    void plaintext_listensOnLoopbackOnly_andAnswersToItsAddressAndLocalhost() {
        Authorities a = Authorities.ofListener("http", "127.0.0.1", () -> 8080, Optional.empty());
        assertThat(a.accepts("http", "127.0.0.1:8080")).isTrue();
        assertThat(a.accepts("http", "localhost:8080")).isTrue();
        assertThat(a.accepts("http", "example.com:8080")).isFalse();
    }
}
