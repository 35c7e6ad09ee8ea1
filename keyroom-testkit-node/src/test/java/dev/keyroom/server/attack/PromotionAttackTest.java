package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.SiteDtos;
import dev.keyroom.server.SitePair;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-7: promotion is one explicit admin command that raises the site epoch; the old primary,
 * back after the promotion with a write the backup never received, pushes batches of the old epoch
 * that the promoted site refuses (and audits), learns of the new epoch from the refusal and takes
 * no more writes, also after a restart, keeping the write it could not send; and neither site can
 * be started in a role that contradicts what happened.
 */
@Timeout(180)
class PromotionAttackTest {
    @TempDir
    Path dir;

    @Test
    void REPL_7_afterPromotion_theOldPrimarysPushIsRefused_andItIsFenced() throws Exception {
        try (SitePair sites = SitePair.start(dir, "")) {
            Identity alice = sites.primary.register("alice", Role.MEMBER);
            KeyroomClient a = sites.primary.client(alice);
            RoomId room = RoomId.parse(a.rooms().create("ops").roomId());
            a.messages().publish(room, "before the disaster".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(SitePair.digest(sites.backupDir)).isEqualTo(SitePair.digest(sites.primaryDir)));

            // The backup is cut off and misses a write; then the primary site is lost.
            sites.stopBackup();
            a.messages().publish(room, "never replicated".getBytes(StandardCharsets.UTF_8));
            sites.stopPrimary();

            // Only an admin promotes, from the epoch the backup is at.
            sites.startBackup();
            TestNode backup = sites.backup;
            assertThatThrownBy(() -> backup.client(alice).site().promote(1))
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(403));
            assertThatThrownBy(() -> backup.admin.site().promote(2))
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(409));
            SiteDtos.ReplicationStatus promoted = backup.admin.site().promote(1);
            assertThat(promoted.role()).isEqualTo("primary");
            assertThat(promoted.siteEpoch()).isEqualTo(2);
            assertThat(backup.health().posture().role()).isEqualTo("primary");
            assertThatThrownBy(() -> backup.admin.site().promote(2))
                    .as("a primary is not promoted again")
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(409));
            KeyroomClient onPromoted = backup.client(alice);
            onPromoted.messages().publish(room, "on the promoted site".getBytes(StandardCharsets.UTF_8));

            // The old primary comes back with its old config and pushes what it holds: refused, and it is fenced.
            sites.startPrimary();
            KeyroomClient old = sites.primary.client(alice);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(sites.primary.admin.site().status().role())
                                    .isEqualTo("fenced"));
            assertThatThrownBy(() -> old.messages().publish(room, "after the fence".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(KeyroomApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("read_only_replica").contains("promoted");
                    });
            SiteDtos.ReplicationStatus fenced = sites.primary.admin.site().status();
            assertThat(fenced.alerts()).isPositive();
            assertThat(fenced.lastError()).contains("fenced");
            assertThat(fenced.pending())
                    .as("the write the new primary never got is kept")
                    .isPositive();
            assertThat(old.messages().history(room, 0, 100)).hasSize(2);

            // The promoted site refused the old epoch's batch, audited, and holds none of it.
            assertThat(backup.admin.audit().events(0, 1000))
                    .anySatisfy(e -> assertThat(e.outcome()).contains("refused").contains("primary at site epoch 2"));
            assertThat(onPromoted.messages().history(room, 0, 100))
                    .extracting(m -> new String(((Delivery.Accepted) m).plaintext(), StandardCharsets.UTF_8))
                    .containsExactly("before the disaster", "on the promoted site");

            // Restarted, the old primary is still fenced; the promoted site cannot start as a backup again.
            sites.stopPrimary();
            sites.startPrimary();
            assertThat(sites.primary.health().posture().role()).isEqualTo("fenced");
            sites.stopBackup();
            sites.backup = null;
            assertThatThrownBy(() -> TestNode.start(sites.backupDir, sites.backupYaml))
                    .hasMessageContaining("was promoted to primary")
                    .hasMessageContaining("replication.role: primary");
        }
    }
}
