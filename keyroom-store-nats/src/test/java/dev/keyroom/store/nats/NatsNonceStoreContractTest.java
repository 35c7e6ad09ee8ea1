package dev.keyroom.store.nats;

import dev.keyroom.core.port.NonceStore;
import dev.keyroom.testkit.NatsServers;
import dev.keyroom.testkit.NonceStoreContract;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The JetStream nonce store held to the contract every nonce store meets, against a real nats-server. */
class NatsNonceStoreContractTest extends NonceStoreContract {
    @TempDir
    static Path dir;

    static NatsServers nats;
    static Connection connection;
    static final AtomicInteger buckets = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServers.single(dir);
        connection = Nats.connect(new Options.Builder()
                .server(nats.url(0))
                .connectionTimeout(Duration.ofSeconds(2))
                .build());
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        nats.close();
    }

    @Override
    protected NonceStore newStore() {
        return new NatsNonceStore(
                connection, "nonces-" + buckets.incrementAndGet(), 1, Duration.ofMinutes(10), Duration.ofSeconds(2));
    }
}
