package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.server.Inbox;
import dev.keyroom.server.SitePair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AZ-7 and AUTH-8 on a backup site: a member removed on the primary, or an identity revoked there,
 * loses its live data-plane sessions on the backup as soon as the change is applied, not at some
 * later reconnect. Otherwise a session held open on the backup would outlive the removal and, once
 * the backup is promoted, receive the room's new messages.
 */
@Timeout(120)
class BackupSessionsAttackTest {
    @TempDir
    Path dir;

    @Test
    void AZ_7_AUTH_8_aRemovalOrARevocationOnThePrimary_endsTheSessionsOnTheBackup() throws Exception {
        try (SitePair sites = SitePair.start(dir, "")) {
            Identity alice = sites.primary.register("alice", Role.MEMBER);
            Identity bob = sites.primary.register("bob", Role.AGENT);
            Identity carol = sites.primary.register("carol", Role.AGENT);
            KeyroomClient owner = sites.primary.client(alice);
            RoomId room = RoomId.parse(owner.rooms().create("ops").roomId());
            owner.rooms().invite(room, bob.endpoint(), RoomRole.MEMBER);
            owner.rooms().invite(room, carol.endpoint(), RoomRole.MEMBER);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> SitePair.digest(sites.backupDir).equals(SitePair.digest(sites.primaryDir)));

            Inbox bobInbox = new Inbox();
            try (BusClient bobOnBackup = sites.backup.client(bob).connectBus();
                    BusClient carolOnBackup = sites.backup.client(carol).connectBus()) {
                bobOnBackup.subscribe(room, 0, bobInbox);
                bobOnBackup.ready().get(10, TimeUnit.SECONDS);
                carolOnBackup.subscribe(room, 0, new Inbox());
                carolOnBackup.ready().get(10, TimeUnit.SECONDS);

                // Bob is removed on the primary: his subscription on the backup ends.
                owner.rooms().rekey(room, Set.of(bob.endpoint()));
                await().atMost(Duration.ofSeconds(10)).until(() -> !bobInbox.evicted.isEmpty());
                assertThat(bobInbox.evicted.getFirst()).contains("no longer a member");

                // Carol is revoked on the primary: her session on the backup is closed.
                sites.primary.admin.users().revoke(carol.endpoint());
                BusClient.Closed closed = carolOnBackup.closedForGood().get(10, TimeUnit.SECONDS);
                assertThat(closed.code()).isEqualTo(4001);
                assertThat(closed.reason()).contains("revoked");
            }
            // And her next request to the backup is refused.
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(sites.backup
                                    .client(carol)
                                    .exchange("GET", "/v1/me", null)
                                    .status())
                            .isEqualTo(401));
        }
    }
}
