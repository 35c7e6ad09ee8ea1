package dev.keyroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.identity.Identity;
import java.net.URI;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** TLS-2: the SDK refuses plaintext off loopback and has no way to turn validation off. */
class KeyroomClientTest {
    @Test
    void plaintextToNonLoopbackHost_isRefused() {
        // TLS-2: http:// to anything but loopback is refused before any connection is made.
        try (Identity id = Identity.generate(new SecureRandom())) {
            for (String url : new String[] {
                "http://10.0.0.1:8443", "http://example.com", "http://0.0.0.0:80", "http://127.example.com"
            }) {
                assertThatThrownBy(
                                () -> KeyroomClient.builder(URI.create(url), id).build())
                        .as(url)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("plaintext");
            }
            for (String url : new String[] {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}) {
                KeyroomClient.builder(URI.create(url), id).build().close();
            }
        }
    }

    @Test
    void otherSchemesAndPaths_areRefused() {
        try (Identity id = Identity.generate(new SecureRandom())) {
            assertThatThrownBy(() -> KeyroomClient.builder(URI.create("ftp://127.0.0.1"), id)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> KeyroomClient.builder(URI.create("https://127.0.0.1/api"), id)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void malformedPins_areRefused() {
        assertThatThrownBy(() -> ServerTrust.pin("AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerTrust.pin("sha256/AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ServerTrust.pin("sha256/" + "A".repeat(43) + "=")).isNotNull();
    }

    @Test
    void serverTrust_offersNoWayToDisableValidation() {
        // TLS-2: the only kinds of trust are a pin, a CA and the system store.
        assertThat(ServerTrust.class.getPermittedSubclasses())
                .extracting(Class::getSimpleName)
                .containsExactlyInAnyOrder("Pinned", "CustomCa", "SystemTrust");
    }
}
