package dev.keyroom.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.store.Store;
import dev.keyroom.core.vault.SecretWrite;
import dev.keyroom.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-2 and REPL-6 at the store: every change enters the feed in its own transaction (and a
 * refused write enters nothing); a backup store that applies the feed holds the same records;
 * a batch applied twice changes nothing; a gap, or a change that does not apply, applies nothing;
 * REPL-7: promotion raises the site epoch, and batches of another epoch apply nothing.
 */
class ChangeFeedTest {
    @TempDir
    Path dir;

    /** A primary with some of every kind of write, one refused. */
    static void writeSome(SqliteStore s) throws Exception {
        User owner = Fixtures.user("owner", Role.MEMBER);
        User bob = Fixtures.user("bob", Role.AGENT);
        s.users().create(owner);
        s.users().create(bob);
        assertThatThrownBy(() -> s.users().create(owner)).isInstanceOf(KeyroomException.class); // refused: not recorded
        Room room = Fixtures.room(owner.endpoint());
        s.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(Fixtures.bytes(48)));
        s.rooms()
                .addMember(
                        room.id(),
                        Fixtures.member(bob.endpoint(), RoomRole.MEMBER),
                        1,
                        Optional.of(Fixtures.bytes(48)));
        for (int i = 0; i < 5; i++) {
            s.messages()
                    .append(
                            new NewMessage(
                                    room.id(),
                                    "m-" + i,
                                    owner.endpoint(),
                                    1,
                                    Fixtures.bytes(80),
                                    Fixtures.T0.plusSeconds(i)),
                            new Retention(3, Duration.ofDays(30)))
                    .get();
        }
        s.secrets()
                .put(
                        new SecretWrite(room.id(), "api-key", owner.endpoint(), Fixtures.T0, 5),
                        Optional.empty(),
                        v -> new Keyring.Sealed(1, Fixtures.bytes(12), Fixtures.bytes(30)));
        s.secrets()
                .put(
                        new SecretWrite(room.id(), "api-key", owner.endpoint(), Fixtures.T0, 5),
                        Optional.of(1L),
                        v -> new Keyring.Sealed(1, Fixtures.bytes(12), Fixtures.bytes(30)));
        s.rooms().rekey(room.id(), 1, Set.of(bob.endpoint()), Map.of(owner.endpoint(), Fixtures.bytes(48)));
        s.rooms().rekey(room.id(), 1, Set.of(), Map.of()); // stale: changes nothing, not recorded
        s.users().setStatus(bob.endpoint(), UserStatus.REVOKED);
        s.bans().put(new Ban("addr:192.0.2.9", Fixtures.T0.plusSeconds(3600), "flood"));
        s.breaches().record(bob.endpoint(), Fixtures.T0, Fixtures.T0.minusSeconds(7200));
    }

    @Test
    void theFeedHoldsEveryChangeOnce_andABackupApplyingItHoldsTheSameRecords() throws Exception {
        try (SqliteStore primary = SqliteStore.open(dir.resolve("primary.db"), true);
                SqliteStore backup = SqliteStore.open(dir.resolve("backup.db"))) {
            writeSome(primary);
            List<FeedEntry> feed = primary.siteLog().changesAfter(0, 1000);
            assertThat(feed)
                    .extracting(FeedEntry::seq)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
            assertThat(primary.siteLog().lastChange()).isEqualTo(15);

            for (int i = 0; i < feed.size(); i += 4) {
                List<FeedEntry> batch = feed.subList(i, Math.min(feed.size(), i + 4));
                backup.siteLog()
                        .applyChanges(
                                1,
                                batch.getFirst().seq(),
                                batch.stream().map(FeedEntry::change).toList());
            }
            assertThat(backup.siteLog().appliedChanges()).isEqualTo(15);
            assertThat(backup.digest()).isEqualTo(primary.digest());

            // The same batch again (a retry after a lost acknowledgement): nothing changes.
            Store.Digest before = backup.digest();
            assertThat(backup.siteLog()
                            .applyChanges(
                                    1,
                                    12,
                                    feed.subList(11, 15).stream()
                                            .map(FeedEntry::change)
                                            .toList()))
                    .isEqualTo(15);
            assertThat(backup.digest()).isEqualTo(before);

            // Acknowledged changes can go; sequences are never reused.
            primary.siteLog().forgetChangesUpTo(15);
            assertThat(primary.siteLog().changesAfter(0, 10)).isEmpty();
            assertThat(primary.siteLog().lastChange()).isEqualTo(15);
        }
    }

    @Test
    void aGap_orAChangeThatDoesNotApply_appliesNothing() throws Exception {
        try (SqliteStore primary = SqliteStore.open(dir.resolve("primary.db"), true);
                SqliteStore backup = SqliteStore.open(dir.resolve("backup.db"))) {
            writeSome(primary);
            List<byte[]> all = primary.siteLog().changesAfter(0, 1000).stream()
                    .map(FeedEntry::change)
                    .toList();
            backup.siteLog().applyChanges(1, 1, all.subList(0, 3));

            assertThatThrownBy(() -> backup.siteLog().applyChanges(1, 5, all.subList(4, 6)))
                    .isInstanceOfSatisfying(KeyroomException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.getMessage()).contains("up to 3");
                    });
            // A batch whose second change is corrupt, then one whose change cannot apply here: all or nothing.
            Store.Digest before = backup.digest();
            assertThatThrownBy(() -> backup.siteLog().applyChanges(1, 4, List.of(all.get(3), new byte[] {99})))
                    .isInstanceOf(KeyroomException.class);
            assertThatThrownBy(() -> backup.siteLog().applyChanges(1, 4, List.of(all.get(3), all.get(0))))
                    .isInstanceOfSatisfying(
                            KeyroomException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
            // A message published twice: the store's own refusal, as a conflict, not a storage failure.
            assertThatThrownBy(() -> backup.siteLog().applyChanges(1, 4, List.of(all.get(3), all.get(4), all.get(4))))
                    .isInstanceOfSatisfying(KeyroomException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.getMessage()).contains("published already");
                    });
            assertThat(backup.siteLog().appliedChanges()).isEqualTo(3);
            assertThat(backup.digest()).isEqualTo(before);
        }
    }

    @Test
    void promotion_fencesOlderEpochs_andTheFeedGoesOnFromTheWatermark() throws Exception {
        try (SqliteStore primary = SqliteStore.open(dir.resolve("primary.db"), true);
                SqliteStore backup = SqliteStore.open(dir.resolve("backup.db"))) {
            writeSome(primary);
            List<byte[]> all = primary.siteLog().changesAfter(0, 1000).stream()
                    .map(FeedEntry::change)
                    .toList();
            assertThat(backup.siteLog().site().epoch()).isEqualTo(1);
            backup.siteLog().applyChanges(1, 1, all.subList(0, 10));

            byte[] siteKey = Fixtures.bytes(32);
            assertThatThrownBy(() -> backup.siteLog().promote(2, siteKey, Fixtures.T0))
                    .isInstanceOfSatisfying(
                            KeyroomException.class,
                            e -> assertThat(e.getMessage()).contains("at epoch 1"));
            Site promoted = backup.siteLog().promote(1, siteKey, Fixtures.T0);
            assertThat(promoted.epoch()).isEqualTo(2);
            assertThat(promoted.promotedKey()).hasValue(siteKey);
            assertThat(promoted.promotedAt()).hasValue(Fixtures.T0);
            assertThat(backup.siteLog().lastChange())
                    .as("the promoted site's feed goes on after its watermark")
                    .isEqualTo(10);

            // The old primary's next batch carries epoch 1: refused, nothing applied.
            Store.Digest before = backup.digest();
            assertThatThrownBy(() -> backup.siteLog().applyChanges(1, 11, all.subList(10, 15)))
                    .isInstanceOfSatisfying(KeyroomException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.getMessage()).contains("newer primary was promoted");
                    });
            assertThat(backup.siteLog().applyChanges(2, 11, List.of()))
                    .as("a batch of the site's own epoch")
                    .isEqualTo(10);
            assertThatThrownBy(() -> backup.siteLog().applyChanges(3, 11, List.of()))
                    .isInstanceOfSatisfying(
                            KeyroomException.class,
                            e -> assertThat(e.getMessage()).contains("start it from a copy"));
            assertThat(backup.digest()).isEqualTo(before);

            // The old primary learns of epoch 2: fenced, for good; an older epoch changes nothing.
            assertThat(primary.siteLog().fence(1).fenced()).isFalse();
            assertThat(primary.siteLog().fence(2).fenced()).isTrue();
            assertThat(primary.siteLog().fence(1).fencedBy()).isEqualTo(2);
            assertThatThrownBy(() -> primary.siteLog().promote(1, siteKey, Fixtures.T0))
                    .isInstanceOfSatisfying(
                            KeyroomException.class,
                            e -> assertThat(e.getMessage()).contains("fenced"));
        }
        try (SqliteStore reopened = SqliteStore.open(dir.resolve("primary.db"), true)) {
            assertThat(reopened.siteLog().site().fenced()).isTrue();
        }
    }

    @Test
    void withoutTheFeed_nothingIsRecorded() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("plain.db"))) {
            writeSome(store);
            assertThat(store.siteLog().changesAfter(0, 10)).isEmpty();
            assertThat(store.siteLog().lastChange()).isZero();
        }
    }
}
