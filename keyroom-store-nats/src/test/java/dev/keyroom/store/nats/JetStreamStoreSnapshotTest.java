package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.store.Store;
import dev.keyroom.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state stream stays bounded: snapshots are taken as commands accumulate, the stream is purged
 * behind them, messages that retention dropped leave the stream, and a new replica started from
 * the snapshot plus the rest of the stream holds exactly the same records.
 */
@Timeout(120)
class JetStreamStoreSnapshotTest {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @TempDir
    Path dir;

    @Test
    void snapshotsBoundTheStream_andANewReplicaFromThemHoldsTheSameRecords() throws Exception {
        NATS.reset();
        Duration timeout = Duration.ofSeconds(5);
        try (JetStreamStore store =
                JetStreamStore.open(NATS.connection, 1, dir.resolve("one"), timeout, Duration.ofSeconds(30), 100)) {
            User owner = Fixtures.user("owner", Role.MEMBER);
            store.users().create(owner);
            Room room = Fixtures.room(owner.endpoint());
            store.rooms()
                    .create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(Fixtures.bytes(48)));
            Retention keepTen = new Retention(10, Duration.ofDays(30));
            for (int i = 0; i < 600; i++) {
                store.messages()
                        .append(
                                new NewMessage(
                                        room.id(),
                                        "m-" + i,
                                        owner.endpoint(),
                                        1,
                                        Fixtures.bytes(64),
                                        Fixtures.T0.plusSeconds(i)),
                                keepTen)
                        .get();
            }
            var jsm = NATS.connection.jetStreamManagement();
            // The watchdog snapshots every 100 commands; the stream is purged behind the previous one.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jsm.getStreamInfo(JetStreamStore.STREAM)
                                    .getStreamState()
                                    .getFirstSequence()
                            > 400);
            long inStream =
                    jsm.getStreamInfo(JetStreamStore.STREAM).getStreamState().getMsgCount();
            assertThat(inStream).isLessThan(300);
            assertThat(store.messages().after(room.id(), 0, 100)).hasSize(10);

            Store.Digest before = store.digest();
            try (JetStreamStore fresh =
                    JetStreamStore.open(NATS.connection, 1, dir.resolve("two"), timeout, Duration.ofSeconds(30), 100)) {
                assertThat(fresh.digest()).isEqualTo(before);
                assertThat(fresh.messages().after(room.id(), 0, 100)).hasSize(10);
            }
        }
    }
}
