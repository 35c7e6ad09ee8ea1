package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The harness starts real nats-server processes, a routed JetStream cluster among them, and stops them all. */
@Timeout(120)
class NatsServersTest {
    @TempDir
    Path dir;

    static Connection connect(String... urls) throws Exception {
        return Nats.connect(new Options.Builder()
                .servers(urls)
                .connectionTimeout(Duration.ofSeconds(2))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100))
                .build());
    }

    static KeyValue bucket(Connection c, int replicas) {
        KeyValueOptions options = KeyValueOptions.builder()
                .jetStreamOptions(JetStreamOptions.builder()
                        .requestTimeout(Duration.ofSeconds(2))
                        .build())
                .build();
        // The cluster elects its JetStream leader shortly after the routes are up.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            c.keyValueManagement(options)
                    .create(KeyValueConfiguration.builder()
                            .name("test")
                            .replicas(replicas)
                            .storageType(StorageType.File)
                            .build());
            return true;
        });
        try {
            return c.keyValue("test", options);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSingleServer_servesJetStream_andIsGoneAfterClose() throws Exception {
        NatsServers nats = NatsServers.single(dir);
        try (nats;
                Connection c = connect(nats.url(0))) {
            KeyValue kv = bucket(c, 1);
            kv.put("k", "v".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(kv.get("k").getValue(), StandardCharsets.UTF_8))
                    .isEqualTo("v");
        }
        assertThat(nats.isAlive(0)).isFalse();
    }

    @Test
    void aThreeServerCluster_survivesOneKill_refusesWithoutQuorum_andRecoversWithItsData() throws Exception {
        try (NatsServers nats = NatsServers.cluster(dir, 3);
                Connection c = connect(nats.urls())) {
            KeyValue kv = bucket(c, 3);
            kv.put("a", new byte[] {1});

            nats.kill(2);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                kv.put("b", new byte[] {2});
                return true;
            });

            nats.kill(1);
            // Two of three gone: no quorum, so writes must fail rather than report success.
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThatThrownBy(() -> kv.put("c", new byte[] {3}))
                            .isInstanceOf(Exception.class));

            nats.restart(1);
            nats.restart(2);
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> kv.get("b") != null
                            && kv.get("a").getValue()[0] == 1
                            && kv.get("b").getValue()[0] == 2);
        }
    }
}
