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
import dev.keyroom.core.store.Change;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.tls.TlsMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
            RoomId room = RoomId.parse(a.rooms().create("ops").roomId());
            a.rooms().invite(room, bob.endpoint(), RoomRole.MEMBER);
            for (int i = 0; i < 150; i++) {
                a.messages().publish(room, ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
            a.secrets().put(room, "db-password", "s3cret".getBytes(StandardCharsets.UTF_8), 0);
            byte[] attachment = new byte[300_000];
            TestNode.RANDOM.nextBytes(attachment);
            dev.keyroom.client.BlobRef ref = a.blobs().put(room, new java.io.ByteArrayInputStream(attachment));
            a.messages().publish(room, ref.toMessage());

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(SitePair.digest(backupDir)).isEqualTo(SitePair.digest(primaryDir)));
            assertThat(sites.backup.client(alice).messages().history(room, 0, 1000))
                    .hasSize(151);
            // The blob's bytes went apart from the changes, by address (REPL-2).
            java.io.ByteArrayOutputStream fetched = new java.io.ByteArrayOutputStream();
            sites.backup.client(bob).blobs().get(room, ref, fetched);
            assertThat(fetched.toByteArray()).isEqualTo(attachment);
            assertThat(primary.admin.site().status().blobsWaiting()).isZero();
            // The primary's audit log reaches the backup too, byte for byte, in a file of its own.
            assertAuditCopied(sites);
            var p = primary.admin.site().status();
            assertThat(p.role()).isEqualTo("primary");
            assertThat(p.pending()).isZero();
            assertThat(p.acknowledged()).isEqualTo(p.lastChange()).isPositive();
            var b = sites.backup.admin.site().status();
            assertThat(b.role()).isEqualTo("backup");
            assertThat(b.watermark()).isEqualTo(p.acknowledged());
            assertThat(b.pending())
                    .as("behind the primary, as the last batch said")
                    .isZero();
            assertThat(b.lastChange()).isEqualTo(p.lastChange());

            // The backup goes away for a while; the primary keeps every change until it is taken.
            sites.stopBackup();
            for (int i = 0; i < 50; i++) {
                a.messages().publish(room, ("while the backup is down " + i).getBytes(StandardCharsets.UTF_8));
            }
            // The worker fails at once, after 1 s and after 5 s more; then it waits 25 s (REPL-2).
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Double next = primary.admin.site().status().nextRetrySeconds();
                return next != null && next > 15;
            });
            sites.startBackup();
            // The operator brought the backup back and says so: the worker retries now, well before
            // the 15 s at least that the table still had it wait.
            var kicked = primary.admin.site().retry();
            assertThat(kicked.retrying()).isTrue();
            assertThat(kicked.status().lastError()).isNotEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(primary.admin.site().status().pending()).isZero());
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(SitePair.digest(backupDir)).isEqualTo(SitePair.digest(primaryDir)));
            assertThat(primary.admin.site().retry().retrying())
                    .as("nothing to retry once the backup takes the changes")
                    .isFalse();
            assertThat(sites.backup.client(alice).messages().history(room, 0, 1000))
                    .hasSize(201);
            assertAuditCopied(sites);
            try (var secret = sites.backup.client(bob).secrets().get(room, "db-password", Optional.empty())) {
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
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(sites.backup.admin.audit().events(0, 1000))
                            .anySatisfy(e -> {
                                assertThat(e.resource()).isEqualTo("handshake");
                                assertThat(e.outcome()).startsWith("refused: TLS handshake failed");
                                assertThat(e.remote()).isEqualTo("127.0.0.1");
                            }));
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

    /**
     * {@code keyroom site seed} of a primary that keeps taking writes: a new backup started from the
     * seed converges, with no change missing or applied twice (a duplicate would be refused as not
     * applying as on the primary, a gap refused outright).
     */
    @Test
    void aBackupSeededFromABusyPrimary_convergesWithoutAGapOrADuplicate() throws Exception {
        try (SitePair sites =
                SitePair.start(dir, "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n")) {
            TestNode primary = sites.primary;
            Identity alice = primary.register("alice", Role.MEMBER);
            KeyroomClient a = primary.client(alice);
            RoomId room = RoomId.parse(a.rooms().create("ops").roomId());
            // The old backup goes away for good.
            sites.stopBackup();
            sites.backup = null;
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            Thread writer = Thread.ofVirtual().start(() -> {
                while (writing.get()) {
                    a.messages()
                            .publish(
                                    room,
                                    ("during the seed " + written.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
                }
            });
            Path fresh = dir.resolve("fresh-backup");
            Thread.sleep(200);
            SiteSeed.Report seeded = SiteSeed.seed(primary.config, fresh);
            Thread.sleep(200);
            writing.set(false);
            writer.join();
            assertThat(seeded.watermark()).isPositive();
            java.nio.file.Files.createDirectories(new DataDir(fresh).tls());
            for (String f : new String[] {TlsMaterial.KEY_FILE, TlsMaterial.CERT_FILE}) {
                java.nio.file.Files.copy(
                        new DataDir(sites.backupDir).tls().resolve(f),
                        new DataDir(fresh).tls().resolve(f));
            }
            java.nio.file.Files.copy(sites.primaryDir.resolve("admin.identity"), fresh.resolve("admin.identity"));
            new DataDir(fresh)
                    .init(
                            Optional.of(fresh.resolve("admin.identity")),
                            dev.keyroom.core.port.Clock.system(),
                            TestNode.RANDOM);
            sites.backup = TestNode.start(fresh, sites.backupYaml);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(SitePair.digest(fresh)).isEqualTo(SitePair.digest(sites.primaryDir)));
            assertThat(sites.backup.client(alice).messages().history(room, 0, 1000))
                    .hasSize(written.get());
            assertThat(primary.admin.site().status().lastError()).isEmpty();
        }
    }

    /**
     * A member subscribed on the backup reads the room live: each message the primary stores reaches
     * the subscription once the batch that carries it is applied, once each and in order, the ones
     * sent before the subscription included.
     */
    @Test
    void aSubscriberOnTheBackup_getsThePrimarysMessagesLive_onceEachAndInOrder() throws Exception {
        try (SitePair sites =
                SitePair.start(dir, "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n")) {
            Identity alice = sites.primary.register("alice", Role.MEMBER);
            Identity bob = sites.primary.register("bob", Role.AGENT);
            KeyroomClient a = sites.primary.client(alice);
            RoomId room = RoomId.parse(a.rooms().create("ops").roomId());
            a.rooms().invite(room, bob.endpoint(), RoomRole.MEMBER);
            for (int i = 0; i < 5; i++) {
                a.messages().publish(room, ("before " + i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> SitePair.digest(sites.backupDir).equals(SitePair.digest(sites.primaryDir)));

            Inbox inbox = new Inbox();
            try (dev.keyroom.client.BusClient bobOnBackup =
                    sites.backup.client(bob).connectBus()) {
                bobOnBackup.subscribe(room, 0, inbox);
                bobOnBackup.ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
                for (int i = 0; i < 60; i++) {
                    a.messages().publish(room, ("live " + i).getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> inbox.got.size() >= 65);
                Thread.sleep(300); // a duplicate would arrive right behind
                java.util.List<String> expected = new java.util.ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    expected.add("before " + i);
                }
                for (int i = 0; i < 60; i++) {
                    expected.add("live " + i);
                }
                assertThat(inbox.texts()).containsExactlyElementsOf(expected);
                assertThat(inbox.seqs())
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 65)
                                .boxed()
                                .toList());
                assertThat(inbox.evicted).isEmpty();
            }
        }
    }

    /** Waits until the backup's copy of the primary's audit log holds every entry written before the call. */
    static void assertAuditCopied(SitePair sites) throws Exception {
        Path log = new DataDir(sites.primaryDir).audit().resolve("audit.log");
        String primaryKey;
        try (Identity key = new DataDir(sites.primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            primaryKey = key.endpoint().value();
        }
        Path copy = new DataDir(sites.backupDir).audit().resolve("sites").resolve(primaryKey + ".log");
        int written = java.nio.file.Files.readAllLines(log).size();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            java.util.List<String> copied =
                    java.nio.file.Files.exists(copy) ? java.nio.file.Files.readAllLines(copy) : java.util.List.of();
            assertThat(copied.size()).isGreaterThanOrEqualTo(written);
            assertThat(copied).isEqualTo(java.nio.file.Files.readAllLines(log).subList(0, copied.size()));
        });
    }

    /** A client that proves itself with the primary's replication certificate and pins the backup. */
    static HttpClient asThePrimary(SitePair sites) throws Exception {
        TlsMaterial m = TlsMaterial.read(sites.primaryDir.resolve("replication-client"));
        char[] pw = "test".toCharArray();
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(m.keyStore(pw), pw);
        return HttpClient.newBuilder()
                .sslContext(ServerTrust.pin(sites.backupPin()).sslContext(kmf.getKeyManagers()))
                .build();
    }

    static HttpRequest blobRequest(SitePair sites, ReplicationBlob stamp, ReplicationBlob.Signed signed, byte[] body) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + sites.applyPort + stamp.path()))
                .header(ReplicationBatch.KEY_HEADER, signed.key())
                .header(ReplicationBatch.SIGNATURE_HEADER, signed.signature())
                .header(ReplicationBlob.STAMP_HEADER, signed.stamp())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    @Test
    void overTheWire_aBatchSignedByAnotherKey_orTooLarge_orABlobNotItsAddress_isRefused_andNothingIsApplied()
            throws Exception {
        try (SitePair sites = SitePair.start(dir, "");
                HttpClient client = asThePrimary(sites);
                Identity stranger = Identity.generate(TestNode.RANDOM)) {
            URI apply = URI.create("https://127.0.0.1:" + sites.applyPort + ReplicationBatch.PATH);
            long before = sites.backup.admin.site().status().watermark();
            ReplicationBatch.Signed forged = ReplicationBatch.sign(
                    stranger,
                    1,
                    before + 1,
                    java.util.List.of(new Change.DeleteBan("x").encode()),
                    "forged-nonce-0000000000",
                    java.time.Instant.now());
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(apply)
                            .header(ReplicationBatch.KEY_HEADER, forged.key())
                            .header(ReplicationBatch.SIGNATURE_HEADER, forged.signature())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(forged.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("not signed by a primary site key");

            byte[] huge = new byte[dev.keyroom.server.replication.ApplyHandler.MAX_BODY + 1];
            HttpResponse<String> big = client.send(
                    HttpRequest.newBuilder(apply)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);

            // A batch with a gap, signed by the primary's key: refused with the watermark, audited, nothing applied.
            ReplicationBatch.Signed gap;
            try (Identity siteKey = new DataDir(sites.primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
                gap = ReplicationBatch.sign(
                        siteKey,
                        1,
                        before + 5,
                        java.util.List.of(new Change.DeleteBan("x").encode()),
                        "gap-nonce-0000000000001",
                        java.time.Instant.now());
            }
            HttpResponse<String> gapped = client.send(
                    HttpRequest.newBuilder(apply)
                            .header(ReplicationBatch.KEY_HEADER, gap.key())
                            .header(ReplicationBatch.SIGNATURE_HEADER, gap.signature())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(gap.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(gapped.statusCode()).isEqualTo(409);
            assertThat(gapped.body()).contains("\"watermark\":" + before);
            assertThat(sites.backup.admin.audit().events(0, 1000))
                    .anySatisfy(e -> assertThat(e.outcome()).startsWith("refused: gap"));

            // A batch of changes signed by the primary's key, posted as a batch of audit entries: the domains differ.
            ReplicationBatch.Signed changes;
            try (Identity siteKey = new DataDir(sites.primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
                changes = ReplicationBatch.sign(
                        siteKey, 1, 1, java.util.List.of(), "cross-feed-nonce-000001", java.time.Instant.now());
            }
            HttpResponse<String> crossed = client.send(
                    HttpRequest.newBuilder(URI.create(
                                    "https://127.0.0.1:" + sites.applyPort + ReplicationBatch.Feed.AUDIT.path()))
                            .header(ReplicationBatch.KEY_HEADER, changes.key())
                            .header(ReplicationBatch.SIGNATURE_HEADER, changes.signature())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(changes.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(crossed.statusCode()).isEqualTo(401);
            assertThat(crossed.body()).contains("bad audit batch signature");

            // A blob whose bytes are not the stamped address: refused, nothing stored; a replayed stamp: refused.
            String room = "0123456789abcdef0123456789abcdef";
            byte[] bytes = "the real bytes".getBytes(StandardCharsets.UTF_8);
            String sha = java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            ReplicationBlob stamp =
                    ReplicationBlob.of(1, room, sha, bytes.length, "blob-nonce-00000000001", Instant.now());
            ReplicationBlob.Signed signedBlob;
            try (Identity siteKey = new DataDir(sites.primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
                signedBlob = ReplicationBlob.sign(siteKey, stamp);
            }
            HttpResponse<String> swapped = client.send(
                    blobRequest(sites, stamp, signedBlob, "other bytes".getBytes(StandardCharsets.UTF_8)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(swapped.statusCode()).isEqualTo(400);
            assertThat(swapped.body()).contains("do not hash to the blob address");
            assertThat(new dev.keyroom.store.sqlite.DiskBlobStore(new DataDir(sites.backupDir).blobs())
                            .size(RoomId.parse(room), sha))
                    .isEmpty();
            HttpResponse<String> replayed =
                    client.send(blobRequest(sites, stamp, signedBlob, bytes), HttpResponse.BodyHandlers.ofString());
            assertThat(replayed.statusCode()).isEqualTo(401);
            assertThat(replayed.body()).contains("replayed blob");
            assertThat(new dev.keyroom.store.sqlite.DiskBlobStore(new DataDir(sites.backupDir).blobs())
                            .size(RoomId.parse(room), sha))
                    .isEmpty();
            assertThat(sites.backup.admin.site().status().watermark()).isEqualTo(before);
            assertThat(sites.backup.admin.audit().events(0, 1000))
                    .anySatisfy(e -> assertThat(e.outcome()).startsWith("refused: not signed by a primary site key"));
        }
    }
}
