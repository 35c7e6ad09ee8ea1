package dev.keyroom.store.nats;

import dev.keyroom.core.port.Store;
import dev.keyroom.testkit.StoreContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JetStream store held to the contract every store must meet, against a real nats-server:
 * each test starts from an empty state stream; a reopened store rebuilds its replica from the
 * stream in a new directory, as a restarted node does.
 */
class JetStreamStoreContractTest extends StoreContract {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @TempDir
    Path dir;

    private int opened;

    @Override
    protected Store openStore() throws Exception {
        NATS.reset();
        return open();
    }

    private Store open() {
        return JetStreamStore.open(
                NATS.connection, 1, dir.resolve("replica-" + ++opened), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    protected Store reopen(Store old) {
        old.close();
        return open();
    }
}
