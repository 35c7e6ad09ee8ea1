package dev.keyroom.server;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Bus;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.store.Store;
import dev.keyroom.server.config.ClusterSettings;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.store.nats.JetStreamStore;
import dev.keyroom.store.nats.NatsBlobStore;
import dev.keyroom.store.nats.NatsBus;
import dev.keyroom.store.nats.NatsConnections;
import dev.keyroom.store.nats.NatsNonceStore;
import dev.keyroom.store.sqlite.DiskBlobStore;
import dev.keyroom.store.sqlite.InProcessBus;
import dev.keyroom.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The four ports of a node, of one mode: embedded (SQLite, bounded memory, disk, in-process) or
 * cluster (JetStream state stream, KV nonces, Object Store, NATS subjects over one TLS connection).
 * Closes what it opened, last opened first.
 */
record Backends(
        Store store,
        NonceStore nonces,
        Bus bus,
        BlobStore blobs,
        Optional<JetStreamStore> cluster,
        Optional<Connection> nats,
        Optional<dev.keyroom.server.auth.SavedNonces> savedNonces,
        String storeName,
        List<AutoCloseable> owned)
        implements AutoCloseable {

    /** Names in NATS shared by every node of a cluster. */
    static final String NONCE_BUCKET = "keyroom-nonces";

    static final String BLOB_BUCKET = "keyroom-blobs";
    /** Longer than the longest nonce retention (twice the largest allowed skew, 300 s). */
    static final Duration NONCE_TTL = Duration.ofMinutes(11);
    /** How long a starting node may take to rebuild its replica from the state stream. */
    static final Duration CATCH_UP = Duration.ofMinutes(10);

    static Backends open(ServerConfig config, DataDir dir, MeterRegistry metrics, dev.keyroom.core.port.Clock clock)
            throws Exception {
        return config.cluster().isPresent()
                ? cluster(config, config.cluster().get(), dir)
                : embedded(config, dir, metrics, clock);
    }

    private static Backends embedded(
            ServerConfig config, DataDir dir, MeterRegistry metrics, dev.keyroom.core.port.Clock clock)
            throws java.io.IOException {
        // A primary that feeds a backup records every change in the feed (REPL-2).
        SqliteStore store =
                SqliteStore.open(dir.database(), config.replication().push().isPresent());
        InMemoryNonceStore nonces = new InMemoryNonceStore(config.nonceCapacity());
        Gauge.builder("keyroom.nonces.size", nonces, InMemoryNonceStore::size).register(metrics);
        FunctionCounter.builder("keyroom.nonces.evicted_early", nonces, InMemoryNonceStore::evictedEarly)
                .register(metrics);
        dev.keyroom.server.auth.SavedNonces saved;
        try {
            // The nonces a clean stop saved, before anything is served (AUTH-3); saved again at the next stop.
            saved = dev.keyroom.server.auth.SavedNonces.restore(dir.savedNonces(), nonces, clock, config.skew());
        } catch (java.io.IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return new Backends(
                store,
                nonces,
                new InProcessBus(),
                new DiskBlobStore(dir.blobs()),
                Optional.empty(),
                Optional.empty(),
                Optional.of(saved),
                "sqlite",
                new ArrayList<>(List.of(store, saved)));
    }

    private static Backends cluster(ServerConfig config, ClusterSettings c, DataDir dir) throws Exception {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Connection nats = NatsConnections.connect(
                    c.natsUrls(), c.caFile(), c.credentialsFile(), c.timeout(), "keyroom " + config.listenHost());
            owned.add(nats);
            // A site that feeds a backup keeps the feeds in every node's replica (issue 7).
            JetStreamStore store = JetStreamStore.open(
                    nats,
                    c.replicas(),
                    dir.root().resolve("cluster"),
                    c.timeout(),
                    CATCH_UP,
                    JetStreamStore.DEFAULT_SNAPSHOT_EVERY,
                    config.replication().push().isPresent());
            owned.add(store);
            if (store.users().list().isEmpty()) {
                throw new KeyroomException(
                        ErrorCode.INTERNAL,
                        "the cluster holds no state yet: seed it from an initialised data directory with"
                                + " `keyroom migrate --from sqlite --to jetstream`");
            }
            NatsBus bus = new NatsBus(nats);
            owned.add(bus);
            NatsNonceStore nonces = new NatsNonceStore(nats, NONCE_BUCKET, c.replicas(), NONCE_TTL, c.timeout());
            NatsBlobStore blobs = new NatsBlobStore(nats, BLOB_BUCKET, c.replicas(), dir.spool(), c.timeout());
            // The nonces live in the cluster's KV bucket, which outlives any node's restart (AUTH-3, AUTH-7).
            return new Backends(
                    store,
                    nonces,
                    bus,
                    blobs,
                    Optional.of(store),
                    Optional.of(nats),
                    Optional.empty(),
                    "jetstream",
                    owned);
        } catch (Exception | Error e) {
            closeAll(owned);
            throw e;
        }
    }

    /**
     * In cluster mode, copies the node's audit log into the cluster's audit stream under {@code
     * node} (closed before the connection it uses); nothing in embedded mode.
     */
    Optional<dev.keyroom.server.audit.StreamAuditMirror> mirrorAudit(
            dev.keyroom.server.audit.AuditTrail audit, ServerConfig config, String node) throws Exception {
        if (nats.isEmpty() || !(audit instanceof dev.keyroom.server.audit.FileAuditLog file)) {
            return Optional.empty();
        }
        ClusterSettings c = config.cluster().orElseThrow();
        var mirror =
                dev.keyroom.server.audit.StreamAuditMirror.start(file, nats.get(), c.replicas(), c.timeout(), node);
        owned.add(mirror);
        return Optional.of(mirror);
    }

    /** The KV bucket of the lease that picks the one node sending a cluster site's feeds to its backup. */
    static final String SITE_BUCKET = "keyroom-site";
    /** How long a sending node may go silent before another takes over. */
    static final Duration SENDER_TERM = Duration.ofSeconds(10);

    /**
     * Whether this node sends the site's changes and blobs to the backup (issue 7): always when
     * alone; in a cluster, while it holds the sender's lease (closed before the connection it uses).
     */
    java.util.function.BooleanSupplier sender(ServerConfig config, String node) throws Exception {
        if (nats.isEmpty()) {
            return () -> true;
        }
        ClusterSettings c = config.cluster().orElseThrow();
        var lease = dev.keyroom.store.nats.NatsLease.start(
                nats.get(), SITE_BUCKET, c.replicas(), "replication-sender", node, SENDER_TERM, c.timeout());
        owned.add(lease);
        return lease;
    }

    /** Closes {@code part} with the backends, before everything opened so far. */
    void own(AutoCloseable part) {
        owned.add(part);
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> owned) {
        KeyroomException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new KeyroomException(ErrorCode.INTERNAL, "closing the node's backends failed", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
