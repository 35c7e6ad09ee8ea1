package dev.keyroom.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.SealedItems;
import dev.keyroom.testkit.Fixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every kind of change reads back as written; anything cut short, padded or unknown is refused. */
class ChangeTest {
    static List<Change<?>> everyKind() {
        User u = Fixtures.user("u", Role.MEMBER);
        Room room = Fixtures.room(u.endpoint());
        var m = Fixtures.member(u.endpoint(), RoomRole.OWNER);
        Keyring.Sealed sealed = new Keyring.Sealed(2, Fixtures.bytes(12), Fixtures.bytes(40));
        return List.of(
                new Change.CreateUser(u),
                new Change.SetUserStatus(u.endpoint(), UserStatus.REVOKED),
                new Change.CreateRoom(room, m, Optional.of(Fixtures.bytes(48))),
                new Change.CreateRoom(room, m, Optional.empty()),
                new Change.AddMember(room.id(), m, 3, Optional.of(Fixtures.bytes(48))),
                new Change.RemoveMember(room.id(), u.endpoint()),
                new Change.Rekey(room.id(), 3, Set.of(u.endpoint()), Map.of(u.endpoint(), Fixtures.bytes(48))),
                new Change.AppendMessage(
                        new NewMessage(room.id(), "m-1", u.endpoint(), 3, Fixtures.bytes(100), Fixtures.T0),
                        new Retention(10, Duration.ofDays(3))),
                new Change.SetRetention(
                        room.id(),
                        new RetentionSetting(Optional.of(5), Optional.empty(), Optional.of(2)),
                        new Retention(5, Duration.ofDays(30)),
                        2,
                        Fixtures.T0),
                new Change.PutSecret(room.id(), "db-password", 4, sealed, u.endpoint(), Fixtures.T0, 5),
                new Change.DeleteSecret(room.id(), "db-password", u.endpoint(), Fixtures.T0, 5),
                new Change.ResealKey(
                        new SealedItems.SealedKeyRow(room.id(), 3, u.endpoint(), Fixtures.bytes(60)),
                        Fixtures.bytes(60)),
                new Change.Reseal(new SealedItems.SealedRow(room.id(), "db-password", 4, sealed), sealed),
                new Change.RecordBreach(u.endpoint(), Fixtures.T0, Fixtures.T0.minusSeconds(7200)),
                new Change.PutBan(new Ban("addr:192.0.2.7", Fixtures.T0, "flood")),
                new Change.DeleteBan("addr:192.0.2.7"),
                new Change.PutGrant(new Grant(
                        "0123456789abcdef0123456789abcdef",
                        room.id(),
                        u.endpoint(),
                        u.endpoint(),
                        "db-password",
                        Fixtures.T0,
                        Fixtures.T0.plusSeconds(3600),
                        Fixtures.bytes(300),
                        Fixtures.bytes(64))),
                new Change.DeleteGrant(room.id(), "0123456789abcdef0123456789abcdef"),
                new Change.ForgetChanges(17),
                new Change.RecordBlob(room.id(), "ab".repeat(32), Fixtures.T0),
                new Change.ForgetBlob(3),
                new Change.Fence(4),
                new Change.ApplyBatch(2, 18, List.of(Fixtures.bytes(30), Fixtures.bytes(5))),
                new Change.Promote(2, Fixtures.bytes(32), Fixtures.T0));
    }

    @Test
    void everyKind_readsBackAsWritten() throws IOException {
        for (Change<?> c : everyKind()) {
            byte[] bytes = c.encode();
            Change<?> back = Change.decode(bytes);
            assertThat(back.getClass()).isEqualTo(c.getClass());
            assertThat(back.encode()).as(c.getClass().getSimpleName()).isEqualTo(bytes);
        }
    }

    @Test
    void cutShort_padded_orUnknown_isRefused() {
        for (Change<?> c : everyKind()) {
            byte[] bytes = c.encode();
            assertThatThrownBy(() -> Change.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Change.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                    .isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> Change.decode(new byte[] {99})).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Change.decode(new byte[0])).isInstanceOf(IOException.class);
    }
}
