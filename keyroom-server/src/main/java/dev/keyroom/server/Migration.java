package dev.keyroom.server;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.server.config.ClusterSettings;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.store.nats.JetStreamStore;
import dev.keyroom.store.nats.NatsBlobStore;
import dev.keyroom.store.nats.NatsConnections;
import dev.keyroom.store.sqlite.DiskBlobStore;
import dev.keyroom.store.sqlite.SqliteStore;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * {@code keyroom migrate --from sqlite --to jetstream}: seeds an empty cluster with a single-node
 * data directory, then proves the copy. The database goes up as one consistent copy that every
 * cluster replica starts from; every blob is put into the Object Store under its address (and
 * hashed again on the way). Then a fresh replica is rebuilt from the cluster and its counts and
 * digest over every record must equal the source's, and every blob must be there with its size.
 *
 * <p>A run that stopped half way (after the upload, before the check) can be run again: the upload
 * is kept, blobs are put again (already there: nothing to do) and the check decides. Once a node
 * has written to the cluster, migration is refused.
 *
 * <p>The node of the source directory must be stopped: writes made during the copy would not be in
 * it. The keyring file is not copied into NATS; every cluster node needs the same one (copied like
 * a TLS key).
 */
public final class Migration {
    private Migration() {}

    /**
     * What the migration found; {@code resumed} when the database had been uploaded by an earlier run
     * that stopped before it finished (the digest then says whether it was this data).
     */
    public record Report(
            dev.keyroom.core.store.Store.Digest source,
            dev.keyroom.core.store.Store.Digest cluster,
            int blobs,
            int blobsVerified,
            boolean resumed) {
        public boolean verified() {
            return source.equals(cluster) && blobs == blobsVerified;
        }
    }

    public static Report sqliteToJetStream(ServerConfig config, Path dataDir) throws Exception {
        ClusterSettings c = config.cluster()
                .orElseThrow(() -> KeyroomException.badRequest(
                        "the configuration has no cluster section: say which NATS cluster to migrate into"));
        DataDir dir = new DataDir(dataDir);
        if (!dir.isInitialised()) {
            throw KeyroomException.badRequest(dataDir + " is not an initialised Keyroom data directory");
        }
        Path work = dataDir.resolve("migrate");
        deleteTree(work);
        Files.createDirectories(work);
        try (Connection nats = NatsConnections.connect(
                        c.natsUrls(), c.caFile(), c.credentialsFile(), c.timeout(), "keyroom migrate");
                SqliteStore source = SqliteStore.open(dir.database())) {
            dev.keyroom.core.store.Store.Digest before = source.digest();
            boolean resumed = !JetStreamStore.seed(nats, c.replicas(), source, work, c.timeout());

            DiskBlobStore disk = new DiskBlobStore(dir.blobs());
            NatsBlobStore objects =
                    new NatsBlobStore(nats, Backends.BLOB_BUCKET, c.replicas(), work.resolve("spool"), c.timeout());
            List<DiskBlobStore.Address> blobs = disk.addresses();
            long max = config.limits().maxBlobBodyBytes();
            for (DiskBlobStore.Address a : blobs) {
                try (InputStream in = disk.open(a.room(), a.sha256Hex()).orElseThrow()) {
                    objects.put(a.room(), a.sha256Hex(), in, max);
                }
            }

            dev.keyroom.core.store.Store.Digest after;
            try (JetStreamStore rebuilt =
                    JetStreamStore.open(nats, c.replicas(), work.resolve("verify"), c.timeout(), Backends.CATCH_UP)) {
                after = rebuilt.digest();
            }
            int present = 0;
            for (DiskBlobStore.Address a : blobs) {
                if (objects.size(a.room(), a.sha256Hex()).equals(disk.size(a.room(), a.sha256Hex()))) {
                    present++;
                }
            }
            return new Report(before, after, blobs.size(), present, resumed);
        } finally {
            deleteTree(work);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "cannot clear " + p, e);
        }
    }
}
