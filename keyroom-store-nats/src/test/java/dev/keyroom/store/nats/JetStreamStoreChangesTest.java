package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.site.ChangeEffects;
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
 * What one node changes, every other node is told of as it applies the change: registrations,
 * revocations, removals and bans (AUTH-8, AZ-7, DOS-7), and a listener that fails changes nothing.
 */
@Timeout(60)
class JetStreamStoreChangesTest {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @TempDir
    Path dir;

    @Test
    void changesMadeOnOneNode_areToldOnAnother() throws Exception {
        NATS.reset();
        Duration t = Duration.ofSeconds(5);
        try (JetStreamStore a = JetStreamStore.open(NATS.connection, 1, dir.resolve("a"), t, t);
                JetStreamStore b = JetStreamStore.open(NATS.connection, 1, dir.resolve("b"), t, t)) {
            List<String> told = new CopyOnWriteArrayList<>();
            b.siteLog().onChange(new ChangeEffects() {
                @Override
                public void userCreated(EndpointId endpoint) {
                    throw new IllegalStateException("a failing listener");
                }

                @Override
                public void userStatusChanged(EndpointId endpoint, UserStatus status) {
                    told.add("status " + status.wireName());
                }

                @Override
                public void membersRemoved(RoomId room, Set<EndpointId> removed) {
                    told.add("removed " + removed.size());
                }

                @Override
                public void banned(Ban ban) {
                    told.add("banned " + ban.subject());
                }
            });
            User owner = Fixtures.user("owner", Role.MEMBER);
            User bob = Fixtures.user("bob", Role.AGENT);
            a.users().create(owner); // the failing listener on b does not undo or fail it
            a.users().create(bob);
            Room room = Fixtures.room(owner.endpoint());
            a.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.empty());
            a.rooms().addMember(room.id(), Fixtures.member(bob.endpoint(), RoomRole.MEMBER), 1, Optional.empty());
            a.rooms().removeMember(room.id(), bob.endpoint());
            a.users().setStatus(bob.endpoint(), UserStatus.REVOKED);
            a.bans().put(new Ban("addr:192.0.2.1", Fixtures.T0.plusSeconds(60), "test"));

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() ->
                            assertThat(told).containsExactly("removed 1", "status revoked", "banned addr:192.0.2.1"));
            assertThat(b.users().find(owner.endpoint())).isPresent();
            assertThat(b.users().find(bob.endpoint()).orElseThrow().status()).isEqualTo(UserStatus.REVOKED);
        }
    }
}
