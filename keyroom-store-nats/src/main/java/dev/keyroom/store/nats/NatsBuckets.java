package dev.keyroom.store.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;

/**
 * Opens the JetStream buckets Keyroom keeps, creating a missing one on file storage with {@code
 * replicas} copies; an existing bucket's settings are never changed (an operator may have tuned
 * them). Every call to the server waits at most {@code timeout}.
 */
final class NatsBuckets {
    private NatsBuckets() {}

    /** A key-value bucket keeping one value a key; its entries expire after {@code ttl} unless it is zero. */
    static KeyValue keyValue(Connection nats, String bucket, int replicas, Duration ttl, Duration timeout)
            throws IOException, JetStreamApiException {
        KeyValueOptions options =
                KeyValueOptions.builder().jetStreamOptions(options(timeout)).build();
        var management = nats.keyValueManagement(options);
        if (!management.getBucketNames().contains(bucket)) {
            KeyValueConfiguration.Builder config = KeyValueConfiguration.builder()
                    .name(bucket)
                    .replicas(replicas)
                    .maxHistoryPerKey(1)
                    .storageType(StorageType.File);
            if (!ttl.isZero()) {
                config.ttl(ttl);
            }
            management.create(config.build());
        }
        return nats.keyValue(bucket, options);
    }

    /** An object store bucket. */
    static ObjectStore objectStore(Connection nats, String bucket, int replicas, Duration timeout)
            throws IOException, JetStreamApiException {
        ObjectStoreOptions options =
                ObjectStoreOptions.builder().jetStreamOptions(options(timeout)).build();
        var management = nats.objectStoreManagement(options);
        if (!management.getBucketNames().contains(bucket)) {
            management.create(ObjectStoreConfiguration.builder(bucket)
                    .replicas(replicas)
                    .storageType(StorageType.File)
                    .build());
        }
        return nats.objectStore(bucket, options);
    }

    static JetStreamOptions options(Duration timeout) {
        return JetStreamOptions.builder().requestTimeout(timeout).build();
    }
}
