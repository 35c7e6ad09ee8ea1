package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.ClusterFixture;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.config.ConfigException;
import dev.keyroom.server.config.ServerConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on cluster mode: replays across nodes (AUTH-7) and weakened cluster postures (CL-1, TLS-3). */
@Timeout(180)
class ClusterAttackTest {
    @TempDir
    Path dir;

    @Test
    void AUTH_7_aRequestAcceptedOnA_isRefusedWhenReplayedToB_andAgainOnA() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(dir)) {
            Identity alice = cluster.a.register("alice", Role.MEMBER);
            String hostA = cluster.a.uri().getRawAuthority();
            byte[] body = "{\"name\":\"r\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}"
                    .getBytes(StandardCharsets.UTF_8);
            URI rooms = cluster.a.uri().resolve("/v1/rooms");
            Map<String, String> h = new LinkedHashMap<>(
                    new RequestSigner(alice, Clock.system(), TestNode.RANDOM).sign("POST", rooms, body));
            h.put("Content-Type", "application/json");

            assertThat(RawHttp.send(cluster.a, "127.0.0.1", hostA, "POST", "/v1/rooms", h, body)
                            .status())
                    .isEqualTo(201);
            RawHttp.Response onB = RawHttp.send(cluster.b, "127.0.0.1", hostA, "POST", "/v1/rooms", h, body);
            assertThat(onB.status()).isEqualTo(401);
            assertThat(onB.body()).contains("replayed nonce");
            RawHttp.Response againOnA = RawHttp.send(cluster.a, "127.0.0.1", hostA, "POST", "/v1/rooms", h, body);
            assertThat(againOnA.status()).isEqualTo(401);
            assertThat(againOnA.body()).contains("replayed nonce");

            KeyroomClient onBoth = cluster.b.client(alice);
            assertThat(onBoth.rooms().mine()).hasSize(1);

            // AUTH-3: the shared nonces outlive a node's restart; the node serves at once.
            cluster.restartA();
            RawHttp.Response afterRestart = RawHttp.send(cluster.a, "127.0.0.1", hostA, "POST", "/v1/rooms", h, body);
            assertThat(afterRestart.status()).isEqualTo(401);
            assertThat(afterRestart.body()).contains("replayed nonce");
            assertThat(cluster.a.client(alice).rooms().mine()).hasSize(1);
        }
    }

    @Test
    void CL_1_aClusteredNodeRefusesSoftAuth_plaintextClients_plaintextNats_andReadableCredentials() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked before start");
        Path creds = dir.resolve("nats.credentials");
        KeyFiles.writeSecret(creds, "keyroom:pw".getBytes(StandardCharsets.UTF_8), false);
        String good = "cluster:\n  nats_urls: [tls://127.0.0.1:4222]\n  ca_file: " + ca + "\n  credentials_file: "
                + creds + "\n";
        assertThat(ServerConfig.from(dir, ServerConfig.parse(good, "t")).cluster())
                .isPresent();

        assertRefused("auth_mode: soft\n" + good, "cluster mode needs auth_mode enforce (CL-1)");
        assertRefused("insecure_plaintext: true\n" + good, "cluster mode needs TLS for clients (CL-1)");
        assertRefused(good.replace("tls://", "nats://"), "must be tls:// URLs");
        assertRefused(good.replace("ca_file: " + ca, "ca_file: " + dir.resolve("missing.pem")), "cluster.ca_file");
        assertRefused(good.replace("  credentials_file: " + creds + "\n", ""), "cluster.credentials_file");
        Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(good, "cluster.credentials_file");
    }

    private void assertRefused(String yaml, String problem) {
        assertThatThrownBy(() -> ServerConfig.from(dir, ServerConfig.parse(yaml, "t")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(String.join("\n", e.problems())).contains(problem));
    }
}
