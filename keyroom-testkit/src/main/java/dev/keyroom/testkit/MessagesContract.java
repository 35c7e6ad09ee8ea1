package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Room;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.rooms.Messages} must do: sequences, epochs, queued appends, retention. */
public abstract class MessagesContract extends StoreContract {
    @Test
    void appendMessage_assignsIncreasingSequences_andReadsThemBack() throws Exception {
        Room room = newRoom();
        long a = append(room.id(), "m1", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0, KEEP_ALL);
        long b = append(room.id(), "m2", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0, KEEP_ALL);
        assertThat(b).isEqualTo(a + 1);
        store = reopen(store);
        assertThat(store.messages().after(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::messageId)
                .containsExactly("m1", "m2");
        assertThat(store.messages().after(room.id(), a, 10)).hasSize(1);
        assertThat(store.messages().after(room.id(), 0, 1)).hasSize(1);
    }

    @Test
    void appendMessage_staleEpochOrDuplicateId_conflictsAndStoresNothing() {
        Room room = newRoom();
        append(room.id(), "m1", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0, KEEP_ALL);
        store.rooms().rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {9}));
        assertCode(
                () -> append(room.id(), "m2", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0, KEEP_ALL),
                ErrorCode.CONFLICT);
        assertCode(
                () -> append(room.id(), "m1", owner.endpoint(), 2, new byte[] {2}, Fixtures.T0, KEEP_ALL),
                ErrorCode.CONFLICT);
        assertThat(store.messages().after(room.id(), 0, 10)).hasSize(1);
    }

    @Test
    void appendsQueuedWithoutWaiting_completeInCallOrder_andAreAllDurable() throws Exception {
        Room room = newRoom();
        List<java.util.concurrent.CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            pending.add(store.messages()
                    .append(
                            new NewMessage(room.id(), "q" + i, owner.endpoint(), 1, new byte[] {(byte) i}, Fixtures.T0),
                            KEEP_ALL));
        }
        for (int i = 0; i < pending.size(); i++) {
            assertThat(KeyroomException.await(pending.get(i))).isEqualTo(i + 1L);
        }
        store = reopen(store);
        assertThat(store.messages().after(room.id(), 0, 1000)).hasSize(300);
    }

    @Test
    void aFailingAppendAmongQueuedOnes_failsAlone() {
        Room room = newRoom();
        append(room.id(), "dup", owner.endpoint(), 1, new byte[] {0}, Fixtures.T0, KEEP_ALL);
        var before = store.messages()
                .append(new NewMessage(room.id(), "a", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0), KEEP_ALL);
        var duplicate = store.messages()
                .append(new NewMessage(room.id(), "dup", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0), KEEP_ALL);
        var after = store.messages()
                .append(new NewMessage(room.id(), "b", owner.endpoint(), 1, new byte[] {3}, Fixtures.T0), KEEP_ALL);
        assertThat(KeyroomException.await(before)).isEqualTo(2);
        assertCode(() -> KeyroomException.await(duplicate), ErrorCode.CONFLICT);
        assertThat(KeyroomException.await(after)).isEqualTo(3);
        assertThat(store.messages().after(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::messageId)
                .containsExactly("dup", "a", "b");
    }

    @Test
    void roomRetention_overridesTheDefault_prunesAtOnce_andSurvivesReopen() throws Exception {
        Room room = newRoom();
        for (int i = 1; i <= 4; i++) {
            append(room.id(), "r" + i, owner.endpoint(), 1, new byte[] {(byte) i}, Fixtures.T0, KEEP_ALL);
        }
        dev.keyroom.core.rooms.RetentionSetting three =
                new dev.keyroom.core.rooms.RetentionSetting(Optional.of(3), Optional.empty(), Optional.empty());
        store.rooms().setRetention(room.id(), three, three.resolve(KEEP_ALL), 5, Fixtures.T0);
        assertThat(store.messages().after(room.id(), 0, 10)).hasSize(3);
        store = reopen(store);
        assertThat(store.rooms().retention(room.id())).isEqualTo(three);
        append(room.id(), "r5", owner.endpoint(), 1, new byte[] {5}, Fixtures.T0, KEEP_ALL);
        assertThat(store.messages().after(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::seq)
                .containsExactly(3L, 4L, 5L);
        assertCode(
                () -> store.rooms().retention(dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM)),
                ErrorCode.NOT_FOUND);
    }

    @Test
    void retention_dropsOldAndExcessMessages_butNeverReusesSequences() {
        Room room = newRoom();
        dev.keyroom.core.rooms.Retention keepTwo =
                new dev.keyroom.core.rooms.Retention(2, java.time.Duration.ofHours(1));
        for (int i = 1; i <= 5; i++) {
            append(room.id(), "m" + i, owner.endpoint(), 1, new byte[] {(byte) i}, Fixtures.T0, keepTwo);
        }
        assertThat(store.messages().after(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::seq)
                .containsExactly(4L, 5L);
        long later = append(
                room.id(),
                "m6",
                owner.endpoint(),
                1,
                new byte[] {6},
                Fixtures.T0.plus(java.time.Duration.ofHours(2)),
                keepTwo);
        assertThat(later).isEqualTo(6);
        assertThat(store.messages().after(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::seq)
                .containsExactly(6L);
    }

    public static final dev.keyroom.core.rooms.Retention KEEP_ALL =
            new dev.keyroom.core.rooms.Retention(1_000_000, java.time.Duration.ofDays(3650));

    private long append(
            dev.keyroom.core.rooms.RoomId room,
            String messageId,
            dev.keyroom.core.identity.EndpointId sender,
            long epoch,
            byte[] envelope,
            java.time.Instant at,
            dev.keyroom.core.rooms.Retention retention) {
        return dev.keyroom.core.error.KeyroomException.await(
                store.messages().append(new NewMessage(room, messageId, sender, epoch, envelope, at), retention));
    }
}
