package dev.keyroom.store.nats;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.testkit.NonceStoreContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JetStream nonce store held to the contract every nonce store meets, against a real nats-server. */
class NatsNonceStoreContractTest extends NonceStoreContract {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    static final AtomicInteger buckets = new AtomicInteger();

    @Override
    protected NonceStore newStore() {
        return new NatsNonceStore(
                NATS.connection,
                "nonces-" + buckets.incrementAndGet(),
                1,
                Duration.ofMinutes(10),
                Duration.ofSeconds(2));
    }
}
