package dev.keyroom.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.config.ConfigFile;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH-5: soft mode verifies and logs failures but lets the claimed identity through. */
class SoftModeTest {
    @TempDir
    Path dir;

    @Test
    void soft_skewedRequestOfAKnownUser_passes_enforce_refuses() throws Exception {
        Clock skewed = () -> Instant.now().minusSeconds(600);
        try (TestNode node =
                TestNode.start(dir, new ConfigFile("127.0.0.1:0", null, "soft", null, null, null, null, null))) {
            Identity alice = node.register("alice", Role.MEMBER);
            assertThat(node.client(alice, skewed)
                            .exchange("GET", "/v1/me", null)
                            .status())
                    .isEqualTo(200);
            assertThat(node.health().posture().auth()).isEqualTo("soft");
        }
    }

    @Test
    void enforce_skewedRequest_isRefused() throws Exception {
        Clock skewed = () -> Instant.now().minusSeconds(600);
        try (TestNode node = TestNode.start(dir)) {
            Identity alice = node.register("alice", Role.MEMBER);
            assertThat(node.client(alice, skewed)
                            .exchange("GET", "/v1/me", null)
                            .status())
                    .isEqualTo(401);
        }
    }
}
