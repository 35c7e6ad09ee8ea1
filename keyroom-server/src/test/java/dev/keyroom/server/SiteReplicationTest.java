package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.store.sqlite.SqliteStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static SqliteStore.Digest digest(Path dataDir) {
        try (SqliteStore s = SqliteStore.open(new DataDir(dataDir).database())) {
            return s.digest();
        }
    }

    @Test
    void theBackupConverges_catchesUpAfterAnOutage_andRefusesConnectionsWithoutACertificate() throws Exception {
        Path primaryDir = dir.resolve("primary");
        Path backupDir = dir.resolve("backup");
        new DataDir(primaryDir).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
        // The backup starts from a copy of the primary (taken before the primary runs), then the feed.
        Files.createDirectories(backupDir);
        for (String f : new String[] {"keyroom.db", "keyring", "admin.identity"}) {
            Files.copy(primaryDir.resolve(f), backupDir.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        new DataDir(backupDir).init(Optional.of(backupDir.resolve("admin.identity")), Clock.system(), TestNode.RANDOM);

        TlsMaterial ca = ReplicationPki.ca("keyroom replication CA");
        Path caFile = dir.resolve("replication-ca");
        ca.write(caFile);
        ReplicationPki.client(ca, "primary").write(primaryDir.resolve("replication-client"));
        String siteKey;
        try (Identity key = new DataDir(primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            siteKey = Base64Url.encode(key.signPub());
        }
        int primaryPort = freePort();
        int applyPort = freePort();
        String backupYaml = "replication:\n  role: backup\n  primary_url: \"https://127.0.0.1:" + primaryPort + "\"\n"
                + "  listen: \"127.0.0.1:" + applyPort + "\"\n"
                + "  client_ca: " + caFile.resolve(TlsMaterial.CERT_FILE) + "\n"
                + "  primary_keys: [\"" + siteKey + "\"]\n";
        TestNode backup = TestNode.start(backupDir, backupYaml);
        String backupPin = backup.server.pin().orElseThrow();
        String primaryYaml = "listen: \"127.0.0.1:" + primaryPort + "\"\n"
                + "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n"
                + "replication:\n  backup_url: \"https://127.0.0.1:" + applyPort + "\"\n"
                + "  backup_pin: \"" + backupPin + "\"\n"
                + "  client_tls_dir: " + primaryDir.resolve("replication-client") + "\n";
        try (TestNode primary = TestNode.start(primaryDir, primaryYaml)) {
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
                    .untilAsserted(() -> assertThat(digest(backupDir)).isEqualTo(digest(primaryDir)));
            assertThat(backup.client(alice).history(room, 0, 1000)).hasSize(150);
            var p = primary.admin.replicationStatus();
            assertThat(p.role()).isEqualTo("primary");
            assertThat(p.pending()).isZero();
            assertThat(p.acknowledged()).isEqualTo(p.lastChange()).isPositive();
            var b = backup.admin.replicationStatus();
            assertThat(b.role()).isEqualTo("backup");
            assertThat(b.watermark()).isEqualTo(p.acknowledged());

            // The backup goes away for a while; the primary keeps every change until it is taken.
            backup.close();
            for (int i = 0; i < 50; i++) {
                a.publish(room, ("while the backup is down " + i).getBytes(StandardCharsets.UTF_8));
            }
            Thread.sleep(1500); // at least one failed attempt, so the worker is backing off
            backup = TestNode.start(backupDir, backupYaml);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(digest(backupDir)).isEqualTo(digest(primaryDir)));
            assertThat(backup.client(alice).history(room, 0, 1000)).hasSize(200);
            try (var secret = backup.client(bob).getSecret(room, "db-password", Optional.empty())) {
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
                                    backup.server,
                                    "POST",
                                    backup.uri().resolve(ReplicationBatch.PATH),
                                    java.util.Map.of(),
                                    new byte[0])
                            .statusCode())
                    .isEqualTo(503);
        } finally {
            backup.close();
        }
    }
}
