package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.site.BlobEntry;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link dev.keyroom.core.site.SiteLog} must do (REPL-2, REPL-6, REPL-7): the
 * site epoch, the change feed and blob outbox of a primary, the atomic, idempotent apply of a
 * primary's batch on a backup.
 */
public abstract class SiteLogContract extends StoreContract {
    static final byte[] SITE_KEY = new byte[32];

    @Test
    void aPromotion_movesTheEpoch_once_andAFenceStopsTheSite_durably() throws Exception {
        Site first = store.siteLog().site();
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(first.fenced()).isFalse();
        assertThat(first.promotedKey()).isEmpty();
        Site promoted = store.siteLog().promote(1, SITE_KEY, Fixtures.T0);
        assertThat(promoted.epoch()).isEqualTo(2);
        assertThat(promoted.promotedKey()).get().isEqualTo(SITE_KEY);
        assertThat(promoted.promotedAt()).contains(Fixtures.T0);
        assertCode(() -> store.siteLog().promote(1, SITE_KEY, Fixtures.T0), ErrorCode.CONFLICT);
        store = reopen(store);
        assertThat(store.siteLog().site().epoch()).isEqualTo(2);
        assertThat(store.siteLog().fence(2).fenced())
                .as("an epoch not above ours fences nothing")
                .isFalse();
        assertThat(store.siteLog().fence(3).fenced()).isTrue();
        store = reopen(store);
        assertThat(store.siteLog().site().fencedBy()).isEqualTo(3);
        assertCode(() -> store.siteLog().promote(2, SITE_KEY, Fixtures.T0), ErrorCode.CONFLICT);
    }

    @Test
    void theFeed_holdsEveryWriteOnce_inOrder_untilTheBackupAcknowledgesIt() throws Exception {
        store.close();
        store = openStore(true);
        AtomicInteger woken = new AtomicInteger();
        store.siteLog().onChangeRecorded(woken::incrementAndGet);
        User carol = Fixtures.user("carol", Role.MEMBER);
        store.users().create(carol);
        assertThat(store.users().setStatus(carol.endpoint(), UserStatus.REVOKED))
                .isTrue();
        assertThat(store.users().setStatus(Fixtures.user("x", Role.AGENT).endpoint(), UserStatus.REVOKED))
                .as("a write that changed nothing is not recorded")
                .isFalse();
        List<FeedEntry> feed = store.siteLog().changesAfter(0, 100);
        assertThat(feed).hasSize(2);
        assertThat(feed.get(1).seq()).isGreaterThan(feed.get(0).seq());
        assertThat(Change.decode(feed.get(0).change())).isEqualTo(new Change.CreateUser(carol));
        assertThat(store.siteLog().lastChange()).isEqualTo(feed.get(1).seq());
        assertThat(woken.get()).isPositive();

        store.siteLog().forgetChangesUpTo(feed.get(0).seq());
        assertThat(store.siteLog().changesAfter(0, 100))
                .extracting(FeedEntry::seq)
                .containsExactly(feed.get(1).seq());
        store.siteLog().forgetChangesUpTo(feed.get(1).seq());
        assertThat(store.siteLog().changesAfter(0, 100)).isEmpty();
        assertThat(store.siteLog().lastChange())
                .as("sequences are never reused")
                .isEqualTo(feed.get(1).seq());
    }

    @Test
    void theBlobOutbox_holdsRecordedBlobs_untilEachIsForgotten() throws Exception {
        store.close();
        store = openStore(true);
        RoomId room = RoomId.random(Fixtures.RANDOM);
        store.siteLog().recordBlob(room, "a".repeat(64), Fixtures.T0);
        store.siteLog().recordBlob(room, "b".repeat(64), Fixtures.T0);
        List<BlobEntry> waiting = store.siteLog().blobsToSend(10);
        assertThat(waiting).extracting(BlobEntry::sha256).containsExactly("a".repeat(64), "b".repeat(64));
        assertThat(store.siteLog().blobsWaiting()).isEqualTo(2);
        store.siteLog().forgetBlob(waiting.getFirst().seq());
        assertThat(store.siteLog().blobsToSend(10))
                .extracting(BlobEntry::sha256)
                .containsExactly("b".repeat(64));
    }

    @Test
    void aPrimarysBatch_appliesOnce_refusesAGap_andSaysWhatItMeans() throws Exception {
        User carol = Fixtures.user("carol", Role.MEMBER);
        Room room = Fixtures.room(owner.endpoint());
        List<byte[]> batch = List.of(
                new Change.CreateUser(carol).encode(),
                new Change.CreateRoom(
                                room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(new byte[] {1}))
                        .encode(),
                new Change.SetUserStatus(alice.endpoint(), UserStatus.REVOKED).encode());
        List<String> told = new ArrayList<>();
        store.siteLog().onChange(new ChangeEffects() {
            @Override
            public void userCreated(EndpointId endpoint) {
                told.add("created " + endpoint.shortForm());
            }

            @Override
            public void userStatusChanged(EndpointId endpoint, UserStatus status) {
                told.add(status.wireName() + " " + endpoint.shortForm());
            }

            @Override
            public void membersRemoved(RoomId r, Set<EndpointId> removed) {}

            @Override
            public void banned(dev.keyroom.core.limits.Ban ban) {}
        });
        assertThat(store.siteLog().applyChanges(1, 1, batch)).isEqualTo(3);
        assertThat(store.siteLog().appliedChanges()).isEqualTo(3);
        assertThat(store.users().find(carol.endpoint())).contains(carol);
        assertThat(store.rooms().find(room.id())).contains(room);
        assertThat(told)
                .containsExactly(
                        "created " + carol.endpoint().shortForm(),
                        "revoked " + alice.endpoint().shortForm());
        Store.Digest once = store.digest();
        assertThat(store.siteLog().applyChanges(1, 1, batch))
                .as("applied twice, changes nothing")
                .isEqualTo(3);
        assertThat(store.digest()).isEqualTo(once);
        assertCode(
                () -> store.siteLog().applyChanges(1, 5, List.of(new Change.DeleteBan("x").encode())),
                ErrorCode.CONFLICT);
        assertCode(
                () -> store.siteLog()
                        .applyChanges(1, 4, List.of(new Change.RemoveMember(room.id(), bob.endpoint()).encode())),
                ErrorCode.CONFLICT);
        assertThat(store.siteLog().appliedChanges())
                .as("a change that does not apply refuses its batch")
                .isEqualTo(3);
        assertThat(store.digest()).isEqualTo(once);
        assertCode(() -> store.siteLog().applyChanges(2, 4, List.of()), ErrorCode.CONFLICT);
        assertThat(Map.copyOf(store.digest().counts())).containsEntry("users", 4L);
    }
}
