package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.SitePair;
import dev.keyroom.server.TestNode;
import dev.keyroom.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator for site replication (issue 7), on loopback, started and stopped by itself: a
 * primary and a backup (TLS, mutual TLS between them, as configured in production); signed message
 * publishes on the primary paced at {@code rate} a second for {@code seconds}; the lag of each
 * change from its acknowledgement on the primary to the backup's watermark passing it (the
 * backup's database polled every millisecond). Then the backup is stopped for {@code outage}
 * seconds under the same load, started again, and the catch-up is timed.
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar dev.keyroom.bench.ReplicationLoad
 * [rate] [seconds] [outage seconds] [retry]}; with {@code retry}, the operator's {@code keyroom
 * site retry} follows the backup's return.
 */
public final class ReplicationLoad {
    private static final String LIFTED = "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n";

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int rate = arguments.integer(0, 1000);
        int seconds = arguments.integer(1, 30);
        int outage = arguments.integer(2, 20);
        // "retry": once the backup is back, the operator says so (keyroom site retry) instead of
        // leaving the worker to its next step of the retry table.
        boolean retry = arguments.text(3, "").equals("retry");
        Path dir = ScratchDir.create("keyroom-replication-load-");
        try (SitePair sites = SitePair.start(dir, LIFTED);
                SqliteStore primaryDb = SqliteStore.open(new DataDir(sites.primaryDir).database())) {
            TestNode primary = sites.primary;
            Path backupDir = sites.backupDir;
            Writers load = Writers.of(primary);
            RoomId room = load.room();
            List<KeyroomClient> writers = load.clients();
            waitForBackup(backupDir, primaryDb.siteLog().lastChange(), 60);

            // 1. Lag under a steady load.
            Watch watch = new Watch(backupDir);
            long[] lags = drive(writers, room, rate, seconds, primaryDb, watch);
            watch.close();
            Arrays.sort(lags);
            System.out.printf(
                    "lag at %d writes/s for %d s: n=%d p50 %.1f ms p99 %.1f ms max %.1f ms%n",
                    rate, seconds, lags.length, pct(lags, 0.50), pct(lags, 0.99), lags[lags.length - 1] / 1e6);

            // 2. An outage under the same load, then the catch-up.
            waitForBackup(backupDir, primaryDb.siteLog().lastChange(), 60);
            sites.stopBackup();
            long t0 = System.nanoTime();
            drive(writers, room, rate, outage, primaryDb, null);
            long backlogEnd = primaryDb.siteLog().lastChange();
            double outageSeconds = (System.nanoTime() - t0) / 1e9;
            sites.startBackup();
            long restarted = System.nanoTime();
            if (retry) {
                System.out.println(
                        "site retry: retrying " + primary.admin.site().retry().retrying());
            }
            try (Watch w = new Watch(backupDir)) {
                long start = w.watermark.get();
                while (w.watermark.get() == start) {
                    Thread.sleep(1);
                }
                // The first batch after the return is in: from here on the worker sends batch after
                // batch, and the rest of the backlog drains at the catch-up rate.
                long firstIn = System.nanoTime();
                long afterFirst = w.watermark.get();
                while (w.watermark.get() < backlogEnd) {
                    Thread.sleep(1);
                }
                long done = System.nanoTime();
                long changes = backlogEnd - start;
                double drainRate = (backlogEnd - afterFirst) / ((done - firstIn) / 1e9);
                var status = primary.admin.site().status();
                double batchSeconds = status.lastBatchMillis() / 1000.0;
                double perSecond = status.lastBatchChanges() / batchSeconds;
                System.out.printf(
                        "outage %.1f s (%d changes at %d/s): caught up %.1f s after the backup was back (waiting for"
                                + " the worker's next retry on the fixed table, then the backlog); the batch that took"
                                + " it: %d changes in %.2f s = %.0f changes/s = %.1f x the rate they were written%n",
                        outageSeconds,
                        changes,
                        rate,
                        (done - restarted) / 1e9,
                        status.lastBatchChanges(),
                        batchSeconds,
                        perSecond,
                        perSecond / rate);
                if (backlogEnd == afterFirst) {
                    System.out.println("the whole backlog came in the first batch back: no drain rate to measure");
                    return;
                }
                System.out.printf(
                        "backlog after the first batch back: %d changes in %.1f s = %.0f changes/s = %.1f x real"
                                + " time; the whole backlog from the first batch: %.1f s for %.1f s of outage%n",
                        backlogEnd - afterFirst,
                        (done - firstIn) / 1e9,
                        drainRate,
                        drainRate / rate,
                        (done - firstIn) / 1e9 + (afterFirst - start) / drainRate,
                        outageSeconds);
            }
        }
    }

    /** Publishes at {@code rate} a second from the writers; per change, the lag to the watch (if any). */
    static long[] drive(
            List<KeyroomClient> writers, RoomId room, int rate, int seconds, SqliteStore primaryDb, Watch watch)
            throws Exception {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        ConcurrentHashMap<Long, Long> ackedAt = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (KeyroomClient c : writers) {
            threads.add(Thread.ofVirtual().start(() -> {
                long i;
                while ((i = next.getAndIncrement()) < total) {
                    long due = start + i * interval;
                    while (due - System.nanoTime() > 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                    c.messages().publish(room, new byte[256]);
                    long feedSeq = primaryDb.siteLog().lastChange(); // at least this change's place in the feed
                    ackedAt.merge(feedSeq, System.nanoTime(), Math::min);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (watch == null) {
            return new long[0];
        }
        long last = primaryDb.siteLog().lastChange();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (watch.watermark.get() < last && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long[] out = new long[ackedAt.size()];
        int k = 0;
        for (var e : ackedAt.entrySet()) {
            Long seen = watch.seenAt(e.getKey());
            out[k++] = seen == null ? Long.MAX_VALUE : Math.max(0, seen - e.getValue());
        }
        return out;
    }

    static double pct(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }

    static void waitForBackup(Path backupDir, long seq, int seconds) throws Exception {
        try (Watch w = new Watch(backupDir)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (w.watermark.get() < seq) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the backup did not reach " + seq);
                }
                Thread.sleep(5);
            }
        }
    }

    /** Polls the backup's watermark every millisecond and remembers when each value was first seen. */
    static final class Watch implements AutoCloseable {
        final AtomicLong watermark = new AtomicLong();
        final ConcurrentHashMap<Long, Long> firstSeen = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final SqliteStore db;
        final Thread thread;

        Watch(Path backupDir) {
            db = SqliteStore.open(new DataDir(backupDir).database());
            watermark.set(db.siteLog().appliedChanges());
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    long w = db.siteLog().appliedChanges();
                    long now = System.nanoTime();
                    for (long s = watermark.get() + 1; s <= w; s++) {
                        firstSeen.putIfAbsent(s, now);
                    }
                    watermark.accumulateAndGet(w, Math::max);
                    LockSupport.parkNanos(1_000_000);
                }
            });
        }

        Long seenAt(long seq) {
            return firstSeen.get(seq);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            db.close();
        }
    }
}
