package dev.keyroom.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log stays bounded under writes that never pause while reads overlap all the time
 * (checkpoint starvation: SQLite starts the log over only when no reader is using it, and with
 * overlapping readers that moment never comes by itself). Before the writer restarted the log
 * itself, a primary under a steady load grew its log to 17 GB in 15 minutes, each commit slower
 * than the one before.
 */
class WalGrowthTest {
    @TempDir
    Path dir;

    @Test
    void theLogStaysBounded_underContinuousWritesAndOverlappingReads() throws Exception {
        Path file = dir.resolve("wal.db");
        Path wal = dir.resolve("wal.db-wal");
        try (SqliteExecutor db = SqliteExecutor.open(file, 2, Duration.ofSeconds(10), true);
                // A second store on the same file that only reads, as `keyroom site seed` on a running
                // primary or a load generator watching it: its opening must not leave a snapshot open.
                SqliteExecutor watcher = SqliteExecutor.open(file, 2, Duration.ofSeconds(10), true)) {
            db.write(c -> c.createStatement().executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        (reads.get() % 2 == 0 ? db : watcher).read(c -> {
                            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM t WHERE id > ?")) {
                                st.setLong(1, reads.get());
                                try (ResultSet rs = st.executeQuery()) {
                                    rs.next();
                                    return rs.getLong(1);
                                }
                            }
                        });
                        reads.incrementAndGet();
                    }
                }));
            }
            long largest = 0;
            byte[] value = new byte[4000];
            for (int i = 0; i < 6000; i++) {
                db.write(c -> {
                    try (PreparedStatement st = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                        st.setBytes(1, value);
                        return st.executeUpdate();
                    }
                });
                if (i % 100 == 0 && Files.exists(wal)) {
                    largest = Math.max(largest, Files.size(wal));
                }
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(reads.get()).as("reads overlapped the writes").isGreaterThan(1000);
            // 6000 commits of a 4 kB row are some 50 MB of log written; checkpointed and started over
            // every 1000 pages (SQLite's default), the log never holds more than a few.
            assertThat(largest).as("the log's largest size").isLessThan(16L << 20);
        }
    }
}
