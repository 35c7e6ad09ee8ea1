package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.replication.ReplicationBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary and a backup on loopback (issue 7): the primary's changes reach the backup over mutual
 * TLS in signed batches until both hold the same records; with the backup down for a while, the
 * primary keeps the changes and the backup catches up when it returns; a connection without a
 * client certificate from the replication CA gets nowhere.
 */
@Timeout(180)
class SiteReplicationTest {
    @TempDir
    Path dir;

    @Test
    void theBackupConverges_catchesUpAfterAnOutage_andRefusesConnectionsWithoutACertificate() throws Exception {
        try (SitePair sites =
                SitePair.start(dir, "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n")) {
            TestNode primary = sites.primary;
            Path primaryDir = sites.primaryDir;
            Path backupDir = sites.backupDir;
            String backupPin = sites.backupPin();
            int applyPort = sites.applyPort;
            Identity alice = primary.register("alice", Role.MEMBER);
            Identity bob = primary.register("bob", Role.AGENT);
            KeyroomClient a = primary.client(alice);
            RoomId room = RoomId.parse(a.createRoom("ops").roomId());
            a.invite(room, bob.endpoint(), RoomRole.MEMBER);
            for (int i = 0; i < 150; i++) {
                a.publish(room, ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
            a.putSecret(room, "db-password", "s3cret".getBytes(StandardCharsets.UTF_8), 0);

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(SitePair.digest(backupDir)).isEqualTo(SitePair.digest(primaryDir)));
            assertThat(sites.backup.client(alice).history(room, 0, 1000)).hasSize(150);
            var p = primary.admin.replicationStatus();
            assertThat(p.role()).isEqualTo("primary");
            assertThat(p.pending()).isZero();
            assertThat(p.acknowledged()).isEqualTo(p.lastChange()).isPositive();
            var b = sites.backup.admin.replicationStatus();
            assertThat(b.role()).isEqualTo("backup");
            assertThat(b.watermark()).isEqualTo(p.acknowledged());

            // The backup goes away for a while; the primary keeps every change until it is taken.
            sites.stopBackup();
            for (int i = 0; i < 50; i++) {
                a.publish(room, ("while the backup is down " + i).getBytes(StandardCharsets.UTF_8));
            }
            Thread.sleep(1500); // at least one failed attempt, so the worker is backing off
            sites.startBackup();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(SitePair.digest(backupDir)).isEqualTo(SitePair.digest(primaryDir)));
            assertThat(sites.backup.client(alice).history(room, 0, 1000)).hasSize(200);
            try (var secret = sites.backup.client(bob).getSecret(room, "db-password", Optional.empty())) {
                assertThat(new String(secret.value().unsafeBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("s3cret");
            }

            // REPL-3: without a client certificate from the replication CA the handshake fails.
            try (HttpClient noCert = HttpClient.newBuilder()
                    .sslContext(ServerTrust.pin(backupPin).sslContext())
                    .build()) {
                assertThatThrownBy(() -> noCert.send(
                                HttpRequest.newBuilder(
                                                URI.create("https://127.0.0.1:" + applyPort + ReplicationBatch.PATH))
                                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(java.io.IOException.class);
            }
            // The apply endpoint is not on the client listener.
            assertThat(Http.send(
                                    sites.backup.server,
                                    "POST",
                                    sites.backup.uri().resolve(ReplicationBatch.PATH),
                                    java.util.Map.of(),
                                    new byte[0])
                            .statusCode())
                    .isEqualTo(503);
        }
    }
}
