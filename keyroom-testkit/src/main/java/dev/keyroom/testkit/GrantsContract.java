package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.grants.Grants} must do (GW-2). */
public abstract class GrantsContract extends StoreContract {
    /** A grant of {@code room}'s secret {@code db} to bob by the owner, created {@code minute} minutes after T0. */
    protected Grant grant(RoomId room, int minute) {
        return grant(room, bob.endpoint(), minute);
    }

    protected Grant grant(RoomId room, EndpointId agent, int minute) {
        String id = HexFormat.of().formatHex(Fixtures.bytes(16));
        return new Grant(
                id,
                room,
                agent,
                owner.endpoint(),
                "db",
                Fixtures.T0.plusSeconds(60L * minute).plusNanos(123_456_789),
                Fixtures.T0.plusSeconds(86_400),
                ("{\"grant_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                Fixtures.bytes(64));
    }

    @Test
    void grants_areKeptByteForByte_listedInOrder_andSurviveReopen() throws Exception {
        Room room = newRoom();
        Room other = newRoom();
        Grant later = grant(room.id(), 5);
        Grant first = grant(room.id(), alice.endpoint(), 1);
        Grant elsewhere = grant(other.id(), 1);
        store.grants().put(later);
        store.grants().put(first);
        store.grants().put(elsewhere);
        store = reopen(store);

        assertThat(store.grants().list(room.id())).containsExactly(first, later);
        assertThat(store.grants().list(other.id())).containsExactly(elsewhere);
        Grant found = store.grants().find(room.id(), later.grantId()).orElseThrow();
        assertThat(found).isEqualTo(later);
        assertThat(found.document()).isEqualTo(later.document());
        assertThat(found.signature()).isEqualTo(later.signature());
        assertThat(found.createdAt()).isEqualTo(later.createdAt());
        assertThat(found.createdAt().getNano()).isEqualTo(123_000_000);
        assertThat(store.grants().find(other.id(), later.grantId())).isEmpty();
    }

    @Test
    void aGrantIdIsUsedOncePerRoom_andAGrantNeedsItsRoom() {
        Room room = newRoom();
        Grant g = grant(room.id(), 1);
        store.grants().put(g);
        assertCode(() -> store.grants().put(g), ErrorCode.CONFLICT);
        Grant nowhere = grant(RoomId.random(Fixtures.RANDOM), 1);
        assertCode(() -> store.grants().put(nowhere), ErrorCode.NOT_FOUND);
        assertThat(store.grants().list(room.id())).containsExactly(g);
    }

    @Test
    void aRevokedGrantIsGone_andRevokingItAgainSaysSo() throws Exception {
        Room room = newRoom();
        Grant kept = grant(room.id(), 1);
        Grant revoked = grant(room.id(), 2);
        store.grants().put(kept);
        store.grants().put(revoked);
        assertThat(store.grants().delete(room.id(), revoked.grantId())).isTrue();
        assertThat(store.grants().delete(room.id(), revoked.grantId())).isFalse();
        store = reopen(store);
        assertThat(store.grants().find(room.id(), revoked.grantId())).isEmpty();
        assertThat(store.grants().list(room.id())).containsExactly(kept);
    }
}
