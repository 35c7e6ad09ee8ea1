package dev.keyroom.server;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.server.config.ClusterSettings;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.store.nats.JetStreamStore;
import dev.keyroom.store.nats.NatsBlobStore;
import dev.keyroom.store.nats.NatsConnections;
import dev.keyroom.store.sqlite.DiskBlobStore;
import dev.keyroom.store.sqlite.SqliteStore;
import io.nats.client.Connection;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code keyroom site seed}: the start of a new backup (issue 7), taken from a running primary
 * site, embedded or cluster. The store goes as one consistent copy whose watermark is the last
 * change it holds, so the primary's feed goes on right after it (changes the primary records while
 * the copy is made follow in the feed); every blob is copied under its address (one stored later
 * goes through the blob feed); the keyring is copied too, since the backup must open the same
 * sealed values. The backup's own TLS key, identity and config are its own.
 *
 * <p>For a cluster site the copy is a replica rebuilt from the state stream with the feeds on,
 * which holds the same feed as every node of a site that feeds a backup.
 */
public final class SiteSeed {
    private SiteSeed() {}

    /** What was copied: the store's counts and digest, its watermark, and the blobs. */
    public record Report(dev.keyroom.core.store.Store.Digest digest, long watermark, int blobs) {}

    /** Seeds {@code backupData} (which must hold no store yet) from the primary site of {@code config}. */
    public static Report seed(ServerConfig config, Path backupData) throws Exception {
        DataDir source = new DataDir(config.dataDir());
        DataDir target = new DataDir(backupData);
        if (Files.exists(target.database())) {
            throw KeyroomException.conflict(target.database() + " exists: seed a backup's empty data directory");
        }
        if (!Files.exists(source.keyring())) {
            throw KeyroomException.badRequest(config.dataDir() + " is not an initialised Keyroom data directory");
        }
        Files.createDirectories(backupData);
        DiskBlobStore blobs = new DiskBlobStore(target.blobs());
        long maxBlob = config.limits().maxBlobBodyBytes();
        int copied;
        if (config.cluster().isPresent()) {
            ClusterSettings c = config.cluster().get();
            Path work = Files.createTempDirectory(backupData, "seed-");
            try (Connection nats = NatsConnections.connect(
                            c.natsUrls(), c.caFile(), c.credentialsFile(), c.timeout(), "keyroom site seed");
                    JetStreamStore cluster = JetStreamStore.open(
                            nats,
                            c.replicas(),
                            work.resolve("replica"),
                            c.timeout(),
                            Backends.CATCH_UP,
                            JetStreamStore.DEFAULT_SNAPSHOT_EVERY,
                            true)) {
                cluster.copyTo(target.database());
                NatsBlobStore objects =
                        new NatsBlobStore(nats, Backends.BLOB_BUCKET, c.replicas(), work.resolve("spool"), c.timeout());
                copied = copyBlobs(objects, objects.addresses(), blobs, maxBlob);
            } finally {
                Migration.deleteTree(work);
            }
        } else {
            try (SqliteStore store = SqliteStore.open(source.database())) {
                store.copyTo(target.database());
            }
            DiskBlobStore from = new DiskBlobStore(source.blobs());
            copied = copyBlobs(from, from.addresses(), blobs, maxBlob);
        }
        Files.copy(source.keyring(), target.keyring(), StandardCopyOption.COPY_ATTRIBUTES);
        // The backup has accepted nothing yet; its promotion fences what its primary accepted (AUTH-3).
        dev.keyroom.server.auth.SavedNonces.writeEmpty(target.savedNonces());
        try (SqliteStore seeded = SqliteStore.open(target.database())) {
            long watermark = seeded.prepareAsBackup();
            return new Report(seeded.digest(), watermark, copied);
        }
    }

    private static int copyBlobs(BlobStore from, List<DiskBlobStore.Address> addresses, DiskBlobStore to, long maxBytes)
            throws Exception {
        for (DiskBlobStore.Address a : addresses) {
            try (InputStream in = from.open(a.room(), a.sha256Hex()).orElseThrow()) {
                to.put(a.room(), a.sha256Hex(), in, maxBytes);
            }
        }
        return addresses.size();
    }
}
