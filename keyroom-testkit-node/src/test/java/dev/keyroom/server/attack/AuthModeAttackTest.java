package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.config.ConfigException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH-5: the auth modes, and the refusal of {@code off} beyond loopback. */
class AuthModeAttackTest {
    @TempDir
    Path dir;

    static final Clock SKEWED = () -> Instant.now().minusSeconds(600);

    @Test
    void authOff_onPublicAddress_doesNotStart() {
        // AUTH-5: a node that would accept unsigned requests from the network refuses to start.
        assertThatThrownBy(() -> TestNode.start(dir, "listen: 0.0.0.0:0\nauth_mode: 'off'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth_mode off is allowed only on a loopback listen address");
    }

    @Test
    void softAuth_onPublicAddress_doesNotStart_withoutItsLoudOptIn() throws Exception {
        // AUTH-5: soft lets failed signatures through; beyond loopback that needs an explicit opt-in.
        assertThatThrownBy(() -> TestNode.start(dir, "listen: 0.0.0.0:0\nauth_mode: soft"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("insecure_soft_auth_beyond_loopback");
        dev.keyroom.server.config.ServerConfig opted = dev.keyroom.server.config.ServerConfig.from(
                dir,
                dev.keyroom.server.config.ServerConfig.parse(
                        "listen: 0.0.0.0:8443\nauth_mode: soft\ninsecure_soft_auth_beyond_loopback: true", "t"));
        assertThat(opted.warnings()).anyMatch(w -> w.contains("auth_mode soft"));
        assertThat(dev.keyroom.server.config.ServerConfig.from(
                                dir, dev.keyroom.server.config.ServerConfig.parse("auth_mode: 'off'", "t"))
                        .warnings())
                .anyMatch(w -> w.contains("auth_mode off"));
        assertThat(dev.keyroom.server.config.ServerConfig.from(dir, dev.keyroom.server.config.ConfigFile.EMPTY)
                        .warnings())
                .isEmpty();
        // Behind a proxy it trusts, a loopback listener serves other machines: the same rules hold.
        assertThatThrownBy(() -> dev.keyroom.server.config.ServerConfig.from(
                        dir,
                        dev.keyroom.server.config.ServerConfig.parse(
                                "auth_mode: soft\ntrusted_proxies: [10.0.0.1]", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("insecure_soft_auth_beyond_loopback");
        assertThatThrownBy(() -> dev.keyroom.server.config.ServerConfig.from(
                        dir,
                        dev.keyroom.server.config.ServerConfig.parse(
                                "auth_mode: 'off'\ntrusted_proxies: [10.0.0.1]", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("without trusted_proxies");
        // The opt-in means nothing for enforce, and is refused there rather than left to mislead.
        assertThatThrownBy(() -> dev.keyroom.server.config.ServerConfig.from(
                        dir,
                        dev.keyroom.server.config.ServerConfig.parse("insecure_soft_auth_beyond_loopback: true", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only with auth_mode soft");
    }

    @Test
    void enforce_skewedRequest_isRefused() throws Exception {
        // AUTH-5: enforce (the default) refuses what soft would let through.
        try (TestNode node = TestNode.start(dir)) {
            Identity alice = node.register("alice", Role.MEMBER);
            assertThat(node.client(alice, SKEWED)
                            .exchange("GET", "/v1/me", null)
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void soft_skewedRequestOfAKnownUser_passesAndPostureSaysSoft() throws Exception {
        // AUTH-5: soft verifies, logs the failure and lets the claimed, non-revoked identity through.
        try (TestNode node = TestNode.start(dir, "auth_mode: soft")) {
            Identity alice = node.register("alice", Role.MEMBER);
            assertThat(node.client(alice, SKEWED)
                            .exchange("GET", "/v1/me", null)
                            .status())
                    .isEqualTo(200);
            assertThat(node.health().posture().auth()).isEqualTo("soft");
            assertThat(java.nio.file.Files.readString(
                            new dev.keyroom.server.DataDir(dir).audit().resolve("audit.log")))
                    .contains("soft auth failure")
                    .contains(alice.endpoint().value());
            node.admin.users().revoke(alice.endpoint());
            assertThat(node.client(alice, SKEWED)
                            .exchange("GET", "/v1/me", null)
                            .status())
                    .isEqualTo(401);
        }
    }
}
