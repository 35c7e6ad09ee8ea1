package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.rooms.RoomSummary;
import dev.keyroom.core.vault.SecretWrite;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.rooms.RoomCensus} must do: every room, its counts, nothing else. */
public abstract class RoomCensusContract extends StoreContract {
    @Test
    void summaries_listEveryRoom_withMembersMessagesLiveSecretsAndLastActivity() throws Exception {
        assertThat(store.census().summaries()).isEmpty();
        Room busy = newRoom();
        Room quiet = newRoom();
        store.rooms()
                .addMember(
                        busy.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {2}));
        Instant later = Fixtures.T0.plusSeconds(90);
        for (int i = 0; i < 3; i++) {
            KeyroomException.await(store.messages()
                    .append(
                            new NewMessage(
                                    busy.id(), "m" + i, owner.endpoint(), 1, new byte[] {9}, later.plusSeconds(i)),
                            MessagesContract.KEEP_ALL));
        }
        store.secrets()
                .put(
                        new SecretWrite(busy.id(), "a", owner.endpoint(), later, 5),
                        Optional.empty(),
                        SecretsContract::sealed);
        store.secrets()
                .put(
                        new SecretWrite(busy.id(), "a", owner.endpoint(), later, 5),
                        Optional.empty(),
                        SecretsContract::sealed);
        store.secrets()
                .put(
                        new SecretWrite(busy.id(), "b", owner.endpoint(), later, 5),
                        Optional.empty(),
                        SecretsContract::sealed);
        store.secrets().delete(new SecretWrite(busy.id(), "b", owner.endpoint(), later.plusSeconds(60), 5));

        store = reopen(store);
        List<RoomSummary> all = store.census().summaries();

        assertThat(all).extracting(s -> s.room().id()).containsExactlyInAnyOrder(busy.id(), quiet.id());
        RoomSummary b = all.stream()
                .filter(s -> s.room().id().equals(busy.id()))
                .findFirst()
                .orElseThrow();
        assertThat(b.room()).isEqualTo(busy);
        assertThat(b.members()).isEqualTo(2);
        assertThat(b.messages()).isEqualTo(3);
        assertThat(b.lastMessageAt()).contains(later.plusSeconds(2));
        assertThat(b.secrets()).as("a is live, b is deleted").isEqualTo(1);
        assertThat(b.lastSecretAt()).contains(later.plusSeconds(60));
        assertThat(b.lastActivity()).isEqualTo(later.plusSeconds(60));
        RoomSummary q = all.stream()
                .filter(s -> s.room().id().equals(quiet.id()))
                .findFirst()
                .orElseThrow();
        assertThat(q.members()).isEqualTo(1);
        assertThat(q.messages()).isZero();
        assertThat(q.secrets()).isZero();
        assertThat(q.lastMessageAt()).isEmpty();
        assertThat(q.lastActivity()).isEqualTo(quiet.createdAt());
    }
}
