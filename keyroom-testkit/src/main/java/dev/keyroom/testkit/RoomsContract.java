package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.rooms.Rooms} must do: members, sealed keys, atomic rekeys. */
public abstract class RoomsContract extends StoreContract {
    @Test
    void createRoom_thenFind_hasOwnerAndOwnerKey() {
        Room room = newRoom();
        assertThat(store.rooms().find(room.id())).contains(room);
        assertThat(roleOf(room.id(), owner.endpoint())).isEqualTo(RoomRole.OWNER);
        assertThat(store.rooms().sealedKey(room.id(), 1, owner.endpoint()))
                .get()
                .isEqualTo(new byte[] {1, 1});
        assertThat(store.rooms().sealedKey(room.id(), 1, alice.endpoint())).isEmpty();
    }

    @Test
    void createRoom_sameIdTwice_conflicts() {
        Room room = newRoom();
        assertCode(
                () -> store.rooms()
                        .create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(new byte[] {2})),
                ErrorCode.CONFLICT);
    }

    @Test
    void addMember_storesMemberAndKey_andRefusesDuplicatesAndStaleEpochs() {
        Room room = newRoom();
        addMember(room.id(), alice.endpoint(), RoomRole.MEMBER, 1, 3);
        assertThat(store.rooms().members(room.id()))
                .extracting(Member::endpoint)
                .containsExactly(owner.endpoint(), alice.endpoint());
        assertThat(store.rooms().sealedKey(room.id(), 1, alice.endpoint()))
                .get()
                .isEqualTo(new byte[] {3});
        assertCode(() -> addMember(room.id(), alice.endpoint(), RoomRole.MEMBER, 1, 3), ErrorCode.CONFLICT);
        assertCode(() -> addMember(room.id(), bob.endpoint(), RoomRole.MEMBER, 2, 3), ErrorCode.CONFLICT);
    }

    @Test
    void removeMember_marksRekeyRequired_andAddIsRefusedUntilRekey() {
        Room room = newRoom();
        addMember(room.id(), alice.endpoint(), RoomRole.MEMBER, 1, 3);
        assertThat(store.rooms().removeMember(room.id(), alice.endpoint())).isTrue();
        assertThat(store.rooms().removeMember(room.id(), alice.endpoint())).isFalse();
        assertThat(store.rooms().find(room.id()).orElseThrow().rekeyRequired()).isTrue();
        assertThat(store.rooms().findMember(room.id(), alice.endpoint())).isEmpty();
        assertCode(() -> addMember(room.id(), bob.endpoint(), RoomRole.MEMBER, 1, 3), ErrorCode.CONFLICT);
        RekeyOutcome out = store.rooms().rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {9}));
        assertThat(out).isEqualTo(new RekeyOutcome.Rekeyed(2));
        assertThat(store.rooms().find(room.id()).orElseThrow().rekeyRequired()).isFalse();
    }

    @Test
    void rekey_removesMembersAndStoresKeysOnlyForThoseWhoRemain() {
        Room room = newRoom();
        addMember(room.id(), alice.endpoint(), RoomRole.MEMBER, 1, 3);
        addMember(room.id(), bob.endpoint(), RoomRole.READER, 1, 4);
        RekeyOutcome out = store.rooms()
                .rekey(
                        room.id(),
                        1,
                        Set.of(bob.endpoint()),
                        Map.of(owner.endpoint(), new byte[] {5}, alice.endpoint(), new byte[] {6}));
        assertThat(out).isEqualTo(new RekeyOutcome.Rekeyed(2));
        assertThat(store.rooms().find(room.id()).orElseThrow().epoch()).isEqualTo(2);
        assertThat(store.rooms().findMember(room.id(), bob.endpoint())).isEmpty();
        assertThat(store.rooms().sealedKey(room.id(), 2, bob.endpoint())).isEmpty();
        assertThat(store.rooms().sealedKey(room.id(), 2, alice.endpoint()))
                .get()
                .isEqualTo(new byte[] {6});
        assertThat(store.rooms().sealedKey(room.id(), 1, alice.endpoint()))
                .get()
                .isEqualTo(new byte[] {3});
    }

    @Test
    void rekey_staleEpoch_changesNothing() {
        Room room = newRoom();
        assertThat(store.rooms().rekey(room.id(), 7, Set.of(), Map.of(owner.endpoint(), new byte[] {5})))
                .isEqualTo(new RekeyOutcome.StaleEpoch(1));
        assertThat(store.rooms().find(room.id()).orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void rekey_keysNotCoveringRemainingMembers_changesNothing() {
        Room room = newRoom();
        addMember(room.id(), alice.endpoint(), RoomRole.MEMBER, 1, 3);
        RekeyOutcome missing = store.rooms().rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {5}));
        assertThat(missing).isEqualTo(new RekeyOutcome.KeysMismatch(Set.of(alice.endpoint()), Set.of()));
        RekeyOutcome extra = store.rooms()
                .rekey(
                        room.id(),
                        1,
                        Set.of(alice.endpoint()),
                        Map.of(owner.endpoint(), new byte[] {5}, alice.endpoint(), new byte[] {6}));
        assertThat(extra).isEqualTo(new RekeyOutcome.KeysMismatch(Set.of(), Set.of(alice.endpoint())));
        assertThat(store.rooms().findMember(room.id(), alice.endpoint())).isPresent();
        assertThat(store.rooms().find(room.id()).orElseThrow().epoch()).isEqualTo(1);
        assertThat(store.rooms().sealedKey(room.id(), 2, owner.endpoint())).isEmpty();
    }

    @Test
    void rekey_removingNonMember_changesNothing() {
        Room room = newRoom();
        assertThat(store.rooms().rekey(room.id(), 1, Set.of(bob.endpoint()), Map.of(owner.endpoint(), new byte[] {5})))
                .isEqualTo(new RekeyOutcome.NotAMember(bob.endpoint()));
        assertThat(store.rooms().find(room.id()).orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void rekey_concurrentFromSameEpoch_exactlyOneWins() throws Exception {
        Room room = newRoom();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<RekeyOutcome>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> store.rooms().rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {5})));
            }
            int won = 0;
            for (Future<RekeyOutcome> f : pool.invokeAll(tasks)) {
                if (f.get() instanceof RekeyOutcome.Rekeyed) {
                    won++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(store.rooms().find(room.id()).orElseThrow().epoch()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void roomsOf_listsOnlyTheEndpointsOwnRooms() {
        Room a = newRoom();
        Room b = newRoom();
        addMember(b.id(), alice.endpoint(), RoomRole.READER, 1, 3);
        assertThat(store.rooms().roomsOf(alice.endpoint()))
                .extracting(m -> m.room().id())
                .containsExactly(b.id());
        assertThat(store.rooms().roomsOf(alice.endpoint()))
                .extracting(Membership::role)
                .containsExactly(RoomRole.READER);
        assertThat(store.rooms().roomsOf(owner.endpoint()))
                .extracting(m -> m.room().id())
                .containsExactly(a.id(), b.id());
        assertThat(store.rooms().roomsOf(bob.endpoint())).isEmpty();
    }

    @Test
    void cleartextRoom_hasNoKeys() {
        Room room = new Room(
                dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM),
                "open",
                RoomPolicy.CLEARTEXT,
                1,
                owner.endpoint(),
                Fixtures.T0,
                false);
        store.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.empty());
        store.rooms().addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.empty());
        assertThat(store.rooms().sealedKey(room.id(), 1, owner.endpoint())).isEmpty();
        assertThat(store.rooms().rekey(room.id(), 1, Set.of(alice.endpoint()), Map.of()))
                .isEqualTo(new RekeyOutcome.Rekeyed(2));
    }

    @Test
    void everything_survivesReopen() throws Exception {
        Room room = newRoom();
        addMember(room.id(), alice.endpoint(), RoomRole.ADMIN, 1, 3);
        store = reopen(store);
        assertThat(store.rooms().find(room.id())).contains(room);
        assertThat(roleOf(room.id(), alice.endpoint())).isEqualTo(RoomRole.ADMIN);
        assertThat(store.users().list()).hasSize(3);
        EndpointId unknown = Fixtures.user("u", Role.AGENT).endpoint();
        assertThat(store.rooms().findMember(room.id(), unknown)).isEmpty();
    }

    private RoomRole roleOf(dev.keyroom.core.rooms.RoomId room, EndpointId member) {
        return store.rooms().findMember(room, member).orElseThrow().role();
    }

    /** Adds {@code member} with {@code role} at {@code epoch}, with a one-byte sealed key {@code key}. */
    private void addMember(dev.keyroom.core.rooms.RoomId room, EndpointId member, RoomRole role, long epoch, int key) {
        store.rooms().addMember(room, Fixtures.member(member, role), epoch, Optional.of(new byte[] {(byte) key}));
    }
}
