package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.Site;
import dev.keyroom.store.sqlite.SqliteStore;
import dev.keyroom.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster site's feeds for its backup (issue 7): every node's replica records the same changes
 * under the same sequences, whichever node made them; forgetting acknowledged changes and blobs,
 * recording a blob, and fencing the site go through the stream, so every node agrees; a backup
 * applies a feed whose changes are the primary's own.
 */
@Timeout(60)
class JetStreamStoreFeedTest {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @TempDir
    Path dir;

    @Test
    void everyNodeHoldsTheSameFeeds_andForgetsAndFencesTogether() throws Exception {
        NATS.reset();
        Duration t = Duration.ofSeconds(5);
        try (JetStreamStore a = JetStreamStore.open(NATS.connection, 1, dir.resolve("a"), t, t, 1000, true);
                JetStreamStore b = JetStreamStore.open(NATS.connection, 1, dir.resolve("b"), t, t, 1000, true);
                SqliteStore backup = SqliteStore.open(dir.resolve("backup.db"))) {
            List<Long> fencedBy = new CopyOnWriteArrayList<>();
            b.siteLog().onChange(new ChangeEffects() {
                @Override
                public void userCreated(EndpointId endpoint) {}

                @Override
                public void userStatusChanged(EndpointId endpoint, UserStatus status) {}

                @Override
                public void membersRemoved(RoomId room, Set<EndpointId> removed) {}

                @Override
                public void banned(Ban ban) {}

                @Override
                public void siteChanged(Site site) {
                    fencedBy.add(site.fencedBy());
                }
            });
            User owner = Fixtures.user("owner", Role.MEMBER);
            User bob = Fixtures.user("bob", Role.AGENT);
            a.users().create(owner);
            b.users().create(bob);
            Room room = Fixtures.room(owner.endpoint());
            a.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.empty());
            b.rooms().addMember(room.id(), Fixtures.member(bob.endpoint(), RoomRole.MEMBER), 1, Optional.empty());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.users().create(owner))
                    .as("refused on every node alike, and in no feed");
            a.users().setStatus(bob.endpoint(), UserStatus.REVOKED);

            await().atMost(t)
                    .until(() -> b.siteLog().lastChange() == 5 && a.siteLog().lastChange() == 5);
            List<FeedEntry> onA = a.siteLog().changesAfter(0, 100);
            List<FeedEntry> onB = b.siteLog().changesAfter(0, 100);
            assertThat(onA).extracting(FeedEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            for (int i = 0; i < onA.size(); i++) {
                assertThat(onB.get(i).change()).isEqualTo(onA.get(i).change());
            }

            // The feed is the primary's: a backup applying it holds the same records.
            backup.siteLog()
                    .applyChanges(1, 1, onA.stream().map(FeedEntry::change).toList());
            assertThat(backup.digest()).isEqualTo(a.digest());

            // Acknowledged on one node: forgotten on every node.
            b.siteLog().forgetChangesUpTo(3);
            await().atMost(t).until(() -> a.siteLog().changesAfter(0, 100).size() == 2);
            assertThat(a.siteLog().lastChange()).isEqualTo(5);

            // A blob recorded through one node waits on every node, and leaves every node.
            a.siteLog().recordBlob(room.id(), "ab".repeat(32), java.time.Instant.now());
            await().atMost(t).until(() -> b.siteLog().blobsWaiting() == 1);
            b.siteLog().forgetBlob(b.siteLog().blobsToSend(10).getFirst().seq());
            await().atMost(t).until(() -> a.siteLog().blobsWaiting() == 0);

            // Fenced through one node: every node is, and is told.
            assertThat(a.siteLog().fence(2).fenced()).isTrue();
            await().atMost(t).untilAsserted(() -> assertThat(fencedBy).containsExactly(2L));
            assertThat(b.siteLog().site().fenced()).isTrue();
        }
    }

    /**
     * A cluster backup applies a primary's batch larger than one command as several commands (some
     * in flight at once): every node holds what the primary holds. A change that does not apply
     * in the middle leaves the commands before it applied, nothing after, and the watermark says
     * where the primary resumes.
     */
    @Test
    void aClusterBackupAppliesALargeBatchInOrder_andStopsAtTheFirstPartThatDoesNotApply() throws Exception {
        NATS.reset();
        Duration t = Duration.ofSeconds(10);
        try (SqliteStore primary = SqliteStore.open(dir.resolve("primary.db"), true);
                JetStreamStore a = JetStreamStore.open(NATS.connection, 1, dir.resolve("a"), t, t);
                JetStreamStore b = JetStreamStore.open(NATS.connection, 1, dir.resolve("b"), t, t)) {
            User owner = Fixtures.user("owner", Role.MEMBER);
            primary.users().create(owner);
            Room room = Fixtures.room(owner.endpoint());
            primary.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.empty());
            dev.keyroom.core.rooms.Retention keep =
                    new dev.keyroom.core.rooms.Retention(1_000_000, Duration.ofDays(30));
            int messages = 6000; // some 2 MB of changes: eight commands or more
            java.util.concurrent.CompletableFuture<Long> last = null;
            for (int i = 0; i < messages; i++) {
                if (i % 500 == 0 && last != null) {
                    last.get();
                }
                last = primary.messages()
                        .append(
                                new NewMessage(
                                        room.id(), "m-" + i, owner.endpoint(), 1, Fixtures.bytes(256), Fixtures.T0),
                                keep);
            }
            last.get();
            List<byte[]> feed = primary.siteLog().changesAfter(0, messages + 2).stream()
                    .map(FeedEntry::change)
                    .toList();
            assertThat(feed).hasSize(messages + 2);

            // The first half, with a change that does not apply (a message published twice) at 2500.
            List<byte[]> broken = new java.util.ArrayList<>(feed.subList(0, 3000));
            broken.set(2500, feed.get(100));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.siteLog().applyChanges(1, 1, broken))
                    .isInstanceOf(dev.keyroom.core.error.KeyroomException.class)
                    .hasMessageContaining("published already");
            long watermark = a.siteLog().appliedChanges();
            int perCommand = ReplicatedSiteLog.MAX_BATCH_COMMAND_BYTES / feed.get(100).length;
            assertThat(watermark).isLessThan(2501).isGreaterThanOrEqualTo(2500 - perCommand);
            await().atMost(t).until(() -> b.siteLog().appliedChanges() == watermark);

            // The primary resumes after the watermark with the rest, in one batch.
            assertThat(b.siteLog().applyChanges(1, watermark + 1, feed.subList((int) watermark, feed.size())))
                    .isEqualTo(messages + 2);
            await().atMost(t).until(() -> a.siteLog().appliedChanges() == messages + 2);
            assertThat(a.digest()).isEqualTo(primary.digest());
            assertThat(b.digest()).isEqualTo(primary.digest());
        }
    }
}
