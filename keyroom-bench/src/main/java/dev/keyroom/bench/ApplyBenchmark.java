package dev.keyroom.bench;

import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.store.sqlite.SqliteStore;
import dev.keyroom.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a backup spends applying one batch of the largest size a primary sends while catching up:
 * {@code changes} message publishes (256-byte envelopes with random ids, as the replication load
 * generator sends), applied in one transaction. Each iteration applies the next batch of the same
 * backup store on disk, which grows as it would in a catch-up (15 batches, 300000 messages). The
 * catch-up rate after an outage is bounded by this (issue 7: at least 10 times the rate the changes
 * were written).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = ApplyBenchmark.WARMUP)
@Measurement(iterations = ApplyBenchmark.MEASURED)
@Fork(1)
public class ApplyBenchmark {
    static final int WARMUP = 5;
    static final int MEASURED = 10;

    @Param("20000")
    int changes;

    Path dir;
    List<byte[]> feed;
    int next;
    SqliteStore backup;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = ScratchDir.create("keyroom-apply-bench");
        try (SqliteStore primary = SqliteStore.open(dir.resolve("primary.db"), true)) {
            User owner = Fixtures.user("owner", Role.MEMBER);
            primary.users().create(owner);
            Room room = Fixtures.room(owner.endpoint());
            primary.rooms()
                    .create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(Fixtures.bytes(48)));
            Retention keep = new Retention(10_000_000, Duration.ofDays(30));
            // In windows of 500: the writer's queue is bounded.
            java.util.concurrent.CompletableFuture<Long> last = null;
            for (int i = 0; i < changes * (WARMUP + MEASURED); i++) {
                if (i % 500 == 0 && last != null) {
                    last.get();
                }
                last = primary.messages()
                        .append(
                                new NewMessage(
                                        room.id(),
                                        java.util.UUID.randomUUID().toString(),
                                        owner.endpoint(),
                                        1,
                                        Fixtures.bytes(256),
                                        Fixtures.T0),
                                keep);
            }
            last.get();
            feed = primary.siteLog().changesAfter(0, Integer.MAX_VALUE).stream()
                    .map(FeedEntry::change)
                    .toList();
        }
        backup = SqliteStore.open(dir.resolve("backup.db"));
        // The user and the room, so that every batch measured is message publishes only.
        backup.siteLog().applyChanges(1, 1, feed.subList(0, 2));
        next = 2;
    }

    @TearDown(Level.Trial)
    public void close() {
        backup.close();
    }

    @Benchmark
    public long applyBatch() {
        int from = next;
        next = Math.min(feed.size(), from + changes);
        return backup.siteLog().applyChanges(1, from + 1, feed.subList(from, next));
    }
}
