package dev.keyroom.store.nats;

import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.testkit.BlobStoreContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Object Store blob store held to the contract every blob store meets, against a real nats-server. */
class NatsBlobStoreContractTest extends BlobStoreContract {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    static final AtomicInteger buckets = new AtomicInteger();
    NatsBlobStore store;

    @Override
    protected BlobStore store() {
        int n = buckets.incrementAndGet();
        store = new NatsBlobStore(
                NATS.connection, "blobs-" + n, 1, NATS.dir.resolve("spool-" + n), Duration.ofSeconds(5));
        return store;
    }

    @Override
    protected long pendingParts() throws Exception {
        return store.pendingParts();
    }
}
