package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.testkit.NatsServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTH-7 across nodes: a nonce claimed through one NATS server is refused through another; with
 * the cluster out of quorum a claim fails closed instead of accepting.
 */
@Timeout(120)
class NatsNonceStoreClusterTest {
    @TempDir
    Path dir;

    static Connection connect(String url) throws Exception {
        return Nats.connect(new Options.Builder()
                .server(url)
                .connectionTimeout(Duration.ofSeconds(2))
                .build());
    }

    @Test
    void aNonceClaimedOnOneNode_isRefusedOnAnother_andNoQuorumFailsClosed() throws Exception {
        EndpointId alice = new EndpointId("a".repeat(32));
        Duration window = Duration.ofSeconds(60);
        try (NatsServers nats = NatsServers.cluster(dir, 3);
                Connection a = connect(nats.url(0));
                Connection b = connect(nats.url(1))) {
            NatsNonceStore[] stores = new NatsNonceStore[2];
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                stores[0] = new NatsNonceStore(a, "nonces", 3, Duration.ofMinutes(5), Duration.ofSeconds(2));
                return true;
            });
            stores[1] = new NatsNonceStore(b, "nonces", 3, Duration.ofMinutes(5), Duration.ofSeconds(2));
            Instant now = Instant.now();

            assertThat(stores[0].claim(alice, "cross-node-nonce-1", now, window))
                    .isEqualTo(NonceStore.Claim.ACCEPTED);
            assertThat(stores[1].claim(alice, "cross-node-nonce-1", now, window))
                    .isEqualTo(NonceStore.Claim.REPLAYED);
            assertThat(stores[0].claim(alice, "cross-node-nonce-1", now, window))
                    .isEqualTo(NonceStore.Claim.REPLAYED);

            nats.kill(1);
            nats.kill(2);
            assertThatThrownBy(() -> stores[0].claim(alice, "cross-node-nonce-2", now, window))
                    .isInstanceOfSatisfying(
                            KeyroomException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED));
        }
    }
}
