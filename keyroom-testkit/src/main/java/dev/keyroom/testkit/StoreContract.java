package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Store;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do. Extend it and return a fresh, empty store from {@link
 * #openStore()}; {@link #reopen(Store)} closes a store and opens the same data again.
 */
public abstract class StoreContract {
    protected abstract Store openStore() throws Exception;

    /** Closes {@code store} and opens the same data again, as after a restart. */
    protected abstract Store reopen(Store store) throws Exception;

    protected Store store;
    protected User owner;
    protected User alice;
    protected User bob;

    @BeforeEach
    void openAndSeed() throws Exception {
        store = openStore();
        owner = Fixtures.user("owner", Role.MEMBER);
        alice = Fixtures.user("alice", Role.MEMBER);
        bob = Fixtures.user("bob", Role.AGENT);
        store.createUser(owner);
        store.createUser(alice);
        store.createUser(bob);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private Room newRoom() {
        Room room = Fixtures.room(owner.endpoint());
        store.createRoom(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(new byte[] {1, 1}));
        return room;
    }

    private static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run)
                .isInstanceOf(KeyroomException.class)
                .extracting(e -> ((KeyroomException) e).code())
                .isEqualTo(code);
    }

    @Test
    void createUser_thenFind_returnsEqualUser() {
        assertThat(store.findUser(alice.endpoint())).contains(alice);
        assertThat(store.findUser(Fixtures.user("x", Role.AGENT).endpoint())).isEmpty();
    }

    @Test
    void createUser_sameEndpointTwice_conflicts() {
        assertCode(() -> store.createUser(alice), ErrorCode.CONFLICT);
    }

    @Test
    void listUsers_returnsRegistrationOrder() {
        assertThat(store.listUsers())
                .extracting(User::endpoint)
                .containsExactly(owner.endpoint(), alice.endpoint(), bob.endpoint());
    }

    @Test
    void setUserStatus_revoked_isVisibleAndDurable() throws Exception {
        assertThat(store.setUserStatus(alice.endpoint(), UserStatus.REVOKED)).isTrue();
        assertThat(store.setUserStatus(Fixtures.user("x", Role.AGENT).endpoint(), UserStatus.REVOKED))
                .isFalse();
        store = reopen(store);
        assertThat(store.findUser(alice.endpoint()).orElseThrow().status()).isEqualTo(UserStatus.REVOKED);
    }

    @Test
    void createRoom_thenFind_hasOwnerAndOwnerKey() {
        Room room = newRoom();
        assertThat(store.findRoom(room.id())).contains(room);
        assertThat(store.findMember(room.id(), owner.endpoint()).orElseThrow().role())
                .isEqualTo(RoomRole.OWNER);
        assertThat(store.findSealedKey(room.id(), 1, owner.endpoint())).get().isEqualTo(new byte[] {1, 1});
        assertThat(store.findSealedKey(room.id(), 1, alice.endpoint())).isEmpty();
    }

    @Test
    void createRoom_sameIdTwice_conflicts() {
        Room room = newRoom();
        assertCode(
                () -> store.createRoom(
                        room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(new byte[] {2})),
                ErrorCode.CONFLICT);
    }

    @Test
    void addMember_storesMemberAndKey_andRefusesDuplicatesAndStaleEpochs() {
        Room room = newRoom();
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3}));
        assertThat(store.listMembers(room.id()))
                .extracting(Member::endpoint)
                .containsExactly(owner.endpoint(), alice.endpoint());
        assertThat(store.findSealedKey(room.id(), 1, alice.endpoint())).get().isEqualTo(new byte[] {3});
        assertCode(
                () -> store.addMember(
                        room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3})),
                ErrorCode.CONFLICT);
        assertCode(
                () -> store.addMember(
                        room.id(), Fixtures.member(bob.endpoint(), RoomRole.MEMBER), 2, Optional.of(new byte[] {3})),
                ErrorCode.CONFLICT);
    }

    @Test
    void removeMember_marksRekeyRequired_andAddIsRefusedUntilRekey() {
        Room room = newRoom();
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3}));
        assertThat(store.removeMember(room.id(), alice.endpoint())).isTrue();
        assertThat(store.removeMember(room.id(), alice.endpoint())).isFalse();
        assertThat(store.findRoom(room.id()).orElseThrow().rekeyRequired()).isTrue();
        assertThat(store.findMember(room.id(), alice.endpoint())).isEmpty();
        assertCode(
                () -> store.addMember(
                        room.id(), Fixtures.member(bob.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3})),
                ErrorCode.CONFLICT);
        RekeyOutcome out = store.rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {9}));
        assertThat(out).isEqualTo(new RekeyOutcome.Rekeyed(2));
        assertThat(store.findRoom(room.id()).orElseThrow().rekeyRequired()).isFalse();
    }

    @Test
    void rekey_removesMembersAndStoresKeysOnlyForThoseWhoRemain() {
        Room room = newRoom();
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3}));
        store.addMember(room.id(), Fixtures.member(bob.endpoint(), RoomRole.READER), 1, Optional.of(new byte[] {4}));
        RekeyOutcome out = store.rekey(
                room.id(),
                1,
                Set.of(bob.endpoint()),
                Map.of(owner.endpoint(), new byte[] {5}, alice.endpoint(), new byte[] {6}));
        assertThat(out).isEqualTo(new RekeyOutcome.Rekeyed(2));
        assertThat(store.findRoom(room.id()).orElseThrow().epoch()).isEqualTo(2);
        assertThat(store.findMember(room.id(), bob.endpoint())).isEmpty();
        assertThat(store.findSealedKey(room.id(), 2, bob.endpoint())).isEmpty();
        assertThat(store.findSealedKey(room.id(), 2, alice.endpoint())).get().isEqualTo(new byte[] {6});
        assertThat(store.findSealedKey(room.id(), 1, alice.endpoint())).get().isEqualTo(new byte[] {3});
    }

    @Test
    void rekey_staleEpoch_changesNothing() {
        Room room = newRoom();
        assertThat(store.rekey(room.id(), 7, Set.of(), Map.of(owner.endpoint(), new byte[] {5})))
                .isEqualTo(new RekeyOutcome.StaleEpoch(1));
        assertThat(store.findRoom(room.id()).orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void rekey_keysNotCoveringRemainingMembers_changesNothing() {
        Room room = newRoom();
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.of(new byte[] {3}));
        RekeyOutcome missing = store.rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {5}));
        assertThat(missing).isEqualTo(new RekeyOutcome.KeysMismatch(Set.of(alice.endpoint()), Set.of()));
        RekeyOutcome extra = store.rekey(
                room.id(),
                1,
                Set.of(alice.endpoint()),
                Map.of(owner.endpoint(), new byte[] {5}, alice.endpoint(), new byte[] {6}));
        assertThat(extra).isEqualTo(new RekeyOutcome.KeysMismatch(Set.of(), Set.of(alice.endpoint())));
        assertThat(store.findMember(room.id(), alice.endpoint())).isPresent();
        assertThat(store.findRoom(room.id()).orElseThrow().epoch()).isEqualTo(1);
        assertThat(store.findSealedKey(room.id(), 2, owner.endpoint())).isEmpty();
    }

    @Test
    void rekey_removingNonMember_changesNothing() {
        Room room = newRoom();
        assertThat(store.rekey(room.id(), 1, Set.of(bob.endpoint()), Map.of(owner.endpoint(), new byte[] {5})))
                .isEqualTo(new RekeyOutcome.NotAMember(bob.endpoint()));
        assertThat(store.findRoom(room.id()).orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void rekey_concurrentFromSameEpoch_exactlyOneWins() throws Exception {
        Room room = newRoom();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<RekeyOutcome>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> store.rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {5})));
            }
            int won = 0;
            for (Future<RekeyOutcome> f : pool.invokeAll(tasks)) {
                if (f.get() instanceof RekeyOutcome.Rekeyed) {
                    won++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(store.findRoom(room.id()).orElseThrow().epoch()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void roomsOf_listsOnlyTheEndpointsOwnRooms() {
        Room a = newRoom();
        Room b = newRoom();
        store.addMember(b.id(), Fixtures.member(alice.endpoint(), RoomRole.READER), 1, Optional.of(new byte[] {3}));
        assertThat(store.roomsOf(alice.endpoint()))
                .extracting(m -> m.room().id())
                .containsExactly(b.id());
        assertThat(store.roomsOf(alice.endpoint())).extracting(Membership::role).containsExactly(RoomRole.READER);
        assertThat(store.roomsOf(owner.endpoint()))
                .extracting(m -> m.room().id())
                .containsExactly(a.id(), b.id());
        assertThat(store.roomsOf(bob.endpoint())).isEmpty();
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
        store.createRoom(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.empty());
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.MEMBER), 1, Optional.empty());
        assertThat(store.findSealedKey(room.id(), 1, owner.endpoint())).isEmpty();
        assertThat(store.rekey(room.id(), 1, Set.of(alice.endpoint()), Map.of()))
                .isEqualTo(new RekeyOutcome.Rekeyed(2));
    }

    @Test
    void everything_survivesReopen() throws Exception {
        Room room = newRoom();
        store.addMember(room.id(), Fixtures.member(alice.endpoint(), RoomRole.ADMIN), 1, Optional.of(new byte[] {3}));
        store = reopen(store);
        assertThat(store.findRoom(room.id())).contains(room);
        assertThat(store.findMember(room.id(), alice.endpoint()).orElseThrow().role())
                .isEqualTo(RoomRole.ADMIN);
        assertThat(store.listUsers()).hasSize(3);
        EndpointId unknown = Fixtures.user("u", Role.AGENT).endpoint();
        assertThat(store.findMember(room.id(), unknown)).isEmpty();
    }

    @Test
    void bans_areDurable_replaceable_andExpire() throws Exception {
        java.time.Instant now = Fixtures.T0;
        store.putBan(new dev.keyroom.core.limits.Ban("addr:192.0.2.7", now.plusSeconds(60), "rate limit"));
        store.putBan(new dev.keyroom.core.limits.Ban("addr:192.0.2.8", now.minusSeconds(1), "old"));
        store = reopen(store);
        assertThat(store.activeBans(now))
                .extracting(dev.keyroom.core.limits.Ban::subject)
                .containsExactly("addr:192.0.2.7");
        store.putBan(new dev.keyroom.core.limits.Ban("addr:192.0.2.7", now.plusSeconds(600), "again"));
        assertThat(store.activeBans(now).getFirst().until()).isEqualTo(now.plusSeconds(600));
        assertThat(store.activeBans(now.plusSeconds(601))).isEmpty();
        assertThat(store.deleteBan("addr:192.0.2.7")).isTrue();
        assertThat(store.deleteBan("addr:192.0.2.7")).isFalse();
        assertThat(store.activeBans(now)).isEmpty();
    }

    static final dev.keyroom.core.rooms.Retention KEEP_ALL =
            new dev.keyroom.core.rooms.Retention(1_000_000, java.time.Duration.ofDays(3650));

    @Test
    void appendMessage_assignsIncreasingSequences_andReadsThemBack() throws Exception {
        Room room = newRoom();
        long a = append(room.id(), "m1", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0, KEEP_ALL);
        long b = append(room.id(), "m2", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0, KEEP_ALL);
        assertThat(b).isEqualTo(a + 1);
        store = reopen(store);
        assertThat(store.messagesAfter(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::messageId)
                .containsExactly("m1", "m2");
        assertThat(store.messagesAfter(room.id(), a, 10)).hasSize(1);
        assertThat(store.messagesAfter(room.id(), 0, 1)).hasSize(1);
    }

    @Test
    void appendMessage_staleEpochOrDuplicateId_conflictsAndStoresNothing() {
        Room room = newRoom();
        append(room.id(), "m1", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0, KEEP_ALL);
        store.rekey(room.id(), 1, Set.of(), Map.of(owner.endpoint(), new byte[] {9}));
        assertCode(
                () -> append(room.id(), "m2", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0, KEEP_ALL),
                ErrorCode.CONFLICT);
        assertCode(
                () -> append(room.id(), "m1", owner.endpoint(), 2, new byte[] {2}, Fixtures.T0, KEEP_ALL),
                ErrorCode.CONFLICT);
        assertThat(store.messagesAfter(room.id(), 0, 10)).hasSize(1);
    }

    @Test
    void appendsQueuedWithoutWaiting_completeInCallOrder_andAreAllDurable() throws Exception {
        Room room = newRoom();
        List<java.util.concurrent.CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            pending.add(store.appendMessage(
                    room.id(), "q" + i, owner.endpoint(), 1, new byte[] {(byte) i}, Fixtures.T0, KEEP_ALL));
        }
        for (int i = 0; i < pending.size(); i++) {
            assertThat(KeyroomException.await(pending.get(i))).isEqualTo(i + 1L);
        }
        store = reopen(store);
        assertThat(store.messagesAfter(room.id(), 0, 1000)).hasSize(300);
    }

    @Test
    void aFailingAppendAmongQueuedOnes_failsAlone() {
        Room room = newRoom();
        append(room.id(), "dup", owner.endpoint(), 1, new byte[] {0}, Fixtures.T0, KEEP_ALL);
        var before = store.appendMessage(room.id(), "a", owner.endpoint(), 1, new byte[] {1}, Fixtures.T0, KEEP_ALL);
        var duplicate =
                store.appendMessage(room.id(), "dup", owner.endpoint(), 1, new byte[] {2}, Fixtures.T0, KEEP_ALL);
        var after = store.appendMessage(room.id(), "b", owner.endpoint(), 1, new byte[] {3}, Fixtures.T0, KEEP_ALL);
        assertThat(KeyroomException.await(before)).isEqualTo(2);
        assertCode(() -> KeyroomException.await(duplicate), ErrorCode.CONFLICT);
        assertThat(KeyroomException.await(after)).isEqualTo(3);
        assertThat(store.messagesAfter(room.id(), 0, 10))
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
        store.setRetention(room.id(), three, three.resolve(KEEP_ALL), 5, Fixtures.T0);
        assertThat(store.messagesAfter(room.id(), 0, 10)).hasSize(3);
        store = reopen(store);
        assertThat(store.retentionSetting(room.id())).isEqualTo(three);
        append(room.id(), "r5", owner.endpoint(), 1, new byte[] {5}, Fixtures.T0, KEEP_ALL);
        assertThat(store.messagesAfter(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::seq)
                .containsExactly(3L, 4L, 5L);
        assertCode(
                () -> store.retentionSetting(dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM)),
                ErrorCode.NOT_FOUND);
    }

    static dev.keyroom.core.vault.Keyring.Sealed sealed(long version) {
        return new dev.keyroom.core.vault.Keyring.Sealed(1, new byte[12], new byte[] {(byte) version});
    }

    @Test
    void secrets_compareAndSet_keepTheLastVersions_andTombstone() throws Exception {
        Room room = newRoom();
        assertThat(store.putSecret(
                        room.id(), "db", Optional.of(0L), StoreContract::sealed, owner.endpoint(), Fixtures.T0, 3))
                .isEqualTo(1);
        assertCode(
                () -> store.putSecret(
                        room.id(), "db", Optional.of(0L), StoreContract::sealed, owner.endpoint(), Fixtures.T0, 3),
                ErrorCode.CONFLICT);
        for (long v = 2; v <= 5; v++) {
            assertThat(store.putSecret(
                            room.id(), "db", Optional.empty(), StoreContract::sealed, owner.endpoint(), Fixtures.T0, 3))
                    .isEqualTo(v);
        }
        store = reopen(store);
        assertThat(store.secret(room.id(), "db", Optional.of(2L))).isEmpty();
        var latest = store.secret(room.id(), "db", Optional.empty()).orElseThrow();
        assertThat(latest.version()).isEqualTo(5);
        assertThat(latest.sealed().orElseThrow().ciphertext()).containsExactly(5);
        assertThat(store.secrets(room.id()))
                .extracting(dev.keyroom.core.vault.SecretInfo::name)
                .containsExactly("db");

        assertThat(store.deleteSecret(room.id(), "db", owner.endpoint(), Fixtures.T0, 3))
                .isEqualTo(6);
        assertThat(store.secret(room.id(), "db", Optional.empty()).orElseThrow().tombstone())
                .isTrue();
        assertThat(store.secrets(room.id())).isEmpty();
        assertCode(() -> store.deleteSecret(room.id(), "db", owner.endpoint(), Fixtures.T0, 3), ErrorCode.NOT_FOUND);
        assertCode(
                () -> store.putSecret(
                        room.id(), "db", Optional.of(0L), StoreContract::sealed, owner.endpoint(), Fixtures.T0, 3),
                ErrorCode.CONFLICT);
        assertThat(store.putSecret(
                        room.id(), "db", Optional.of(6L), StoreContract::sealed, owner.endpoint(), Fixtures.T0, 3))
                .isEqualTo(7);
        assertCode(
                () -> store.putSecret(
                        dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM),
                        "x",
                        Optional.empty(),
                        StoreContract::sealed,
                        owner.endpoint(),
                        Fixtures.T0,
                        3),
                ErrorCode.NOT_FOUND);
    }

    @Test
    void breaches_areCountedWithinTheWindow_andSurviveReopen() throws Exception {
        EndpointId agent = Fixtures.user("bot", Role.AGENT).endpoint();
        assertThat(store.recordBreach(agent, Fixtures.T0, Fixtures.T0.minusSeconds(7200)))
                .isEqualTo(1);
        store = reopen(store);
        java.time.Instant later = Fixtures.T0.plusSeconds(3600);
        assertThat(store.recordBreach(agent, later, later.minusSeconds(7200))).isEqualTo(2);
        java.time.Instant muchLater = Fixtures.T0.plusSeconds(5 * 3600);
        assertThat(store.recordBreach(agent, muchLater, muchLater.minusSeconds(7200)))
                .isEqualTo(1);
    }

    @Test
    void retention_dropsOldAndExcessMessages_butNeverReusesSequences() {
        Room room = newRoom();
        dev.keyroom.core.rooms.Retention keepTwo =
                new dev.keyroom.core.rooms.Retention(2, java.time.Duration.ofHours(1));
        for (int i = 1; i <= 5; i++) {
            append(room.id(), "m" + i, owner.endpoint(), 1, new byte[] {(byte) i}, Fixtures.T0, keepTwo);
        }
        assertThat(store.messagesAfter(room.id(), 0, 10))
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
        assertThat(store.messagesAfter(room.id(), 0, 10))
                .extracting(dev.keyroom.core.rooms.StoredMessage::seq)
                .containsExactly(6L);
    }

    private long append(
            dev.keyroom.core.rooms.RoomId room,
            String messageId,
            dev.keyroom.core.identity.EndpointId sender,
            long epoch,
            byte[] envelope,
            java.time.Instant at,
            dev.keyroom.core.rooms.Retention retention) {
        return dev.keyroom.core.error.KeyroomException.await(
                store.appendMessage(room, messageId, sender, epoch, envelope, at, retention));
    }
}
