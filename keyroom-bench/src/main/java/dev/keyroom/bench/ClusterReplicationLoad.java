package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.ClusterBackupSites;
import dev.keyroom.server.ClusterFixture;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.TestNode;
import dev.keyroom.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Load generator for the catch-up of a cluster backup (issue 7), on loopback, started and stopped
 * by itself: an embedded primary (TLS, mutual TLS to its backup) and a backup of two Keyroom nodes
 * over three NATS servers, seeded from the primary and migrated into the cluster as an operator
 * would. The primary takes signed message publishes at {@code rate} a second for {@code outage}
 * seconds while its backup does not exist yet, then the backup cluster starts, the operator's
 * {@code keyroom site retry} follows, and the catch-up is timed by the watermark node A reports,
 * read every 100 ms. Every node of the backup applies every batch (as JetStream commands).
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.ClusterReplicationLoad [rate] [outage seconds]}
 */
public final class ClusterReplicationLoad {
    private static final String LIFTED = "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n";

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int rate = arguments.integer(0, 1000);
        int outage = arguments.integer(1, 60);
        Path dir = ScratchDir.create("keyroom-cluster-replication-load-");
        ClusterBackupSites sites = ClusterBackupSites.prepare(dir, LIFTED);
        Path primaryDir = sites.primaryDir();

        try (TestNode primary = TestNode.start(primaryDir, sites.primaryYaml());
                SqliteStore primaryDb = SqliteStore.open(new DataDir(primaryDir).database())) {
            Writers load = Writers.of(primary);
            RoomId room = load.room();
            List<KeyroomClient> writers = load.clients();
            long t0 = System.nanoTime();
            ReplicationLoad.drive(writers, room, rate, outage, primaryDb, null);
            double outageSeconds = (System.nanoTime() - t0) / 1e9;
            long backlogEnd = primaryDb.siteLog().lastChange();

            try (ClusterFixture backup =
                    ClusterFixture.start(dir, LIFTED, config -> {}, sites.backupYamlA(), sites.backupYamlB())) {
                long started = System.nanoTime();
                System.out.println(
                        "site retry: retrying " + primary.admin.site().retry().retrying());
                long start = watermark(backup);
                long first;
                while ((first = watermark(backup)) == start) {
                    Thread.sleep(100);
                }
                long firstIn = System.nanoTime();
                long w;
                long deadline = firstIn + TimeUnit.SECONDS.toNanos(Math.max(600, outage * 2L));
                while ((w = watermark(backup)) < backlogEnd) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster backup is at " + w + " of " + backlogEnd);
                    }
                    Thread.sleep(100);
                }
                long done = System.nanoTime();
                double drainRate = (backlogEnd - first) / ((done - firstIn) / 1e9);
                System.out.printf(
                        "cluster backup: outage %.1f s (%d changes at %d/s); caught up %.1f s after the backup"
                                + " started; after the first batch: %d changes in %.1f s = %.0f changes/s = %.1f x"
                                + " real time%n",
                        outageSeconds,
                        backlogEnd - start,
                        rate,
                        (done - started) / 1e9,
                        backlogEnd - first,
                        (done - firstIn) / 1e9,
                        drainRate,
                        drainRate / rate);
                long onB = backup.b.admin.site().status().watermark();
                System.out.println("node B's watermark: " + onB + " (the primary's last change " + backlogEnd + ")");
            }
        }
    }

    private static long watermark(ClusterFixture backup) throws Exception {
        Long w = backup.a.admin.site().status().watermark();
        return w == null ? 0 : w;
    }
}
