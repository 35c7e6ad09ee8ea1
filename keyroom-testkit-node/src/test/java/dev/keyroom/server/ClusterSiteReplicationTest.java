package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.BusClient;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.store.Store;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.store.nats.JetStreamStore;
import dev.keyroom.testkit.FreePorts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster site (two Keyroom nodes over three NATS servers) as the primary of an embedded backup
 * (issue 7): the backup is seeded from the cluster's state stream, then writes made on either node
 * and a blob reach it until both hold the same records; one node at a time sends, and when it goes
 * the other takes over; each node's audit log reaches its own copy; after the backup is promoted,
 * the cluster's next push is refused and the cluster is fenced.
 */
@Timeout(240)
class ClusterSiteReplicationTest {
    @TempDir
    Path dir;

    @Test
    void aClusterFeedsItsBackup_whicheverNodeSends_andIsFencedByItsPromotion() throws Exception {
        Path backupDir = dir.resolve("site-b");
        String backupPin = ReplicationPki.siteTls(backupDir);
        TlsMaterial ca = ReplicationPki.ca("keyroom replication CA");
        Path caDir = dir.resolve("replication-ca");
        ca.write(caDir);
        Path clientDir = dir.resolve("replication-client");
        ReplicationPki.client(ca, "site-a").write(clientDir);
        int applyPort = FreePorts.one();
        String push = "replication:\n  backup_url: \"https://127.0.0.1:" + applyPort + "\"\n  backup_pin: \""
                + backupPin + "\"\n  client_tls_dir: " + clientDir + "\n";
        TestNode[] backup = new TestNode[1];
        String[] backupYaml = new String[1];
        try (ClusterFixture f = ClusterFixture.start(dir, push, nodeConfig -> {
            // The backup starts from a seed of the cluster's state before its nodes first run.
            SiteSeed.seed(nodeConfig, backupDir);
            Files.copy(dir.resolve("a").resolve("admin.identity"), backupDir.resolve("admin.identity"));
            new DataDir(backupDir)
                    .init(Optional.of(backupDir.resolve("admin.identity")), Clock.system(), TestNode.RANDOM);
            backupYaml[0] =
                    "replication:\n  role: backup\n  primary_url: \"https://127.0.0.1:1\"\n  listen: \"127.0.0.1:"
                            + applyPort + "\"\n  client_ca: " + caDir.resolve(TlsMaterial.CERT_FILE)
                            + "\n  primary_keys: [\"" + ClusterBackupSites.siteKey(dir.resolve("a")) + "\", \""
                            + ClusterBackupSites.siteKey(dir.resolve("b"))
                            + "\"]\n";
            backup[0] = TestNode.start(backupDir, backupYaml[0]);
        })) {
            try {
                Identity alice = f.a.register("alice", Role.MEMBER);
                Identity bob = f.a.register("bob", Role.AGENT);
                KeyroomClient onA = f.a.client(alice);
                KeyroomClient onB = f.b.client(alice);
                RoomId room = RoomId.parse(onA.rooms().create("ops").roomId());
                onA.rooms().invite(room, bob.endpoint(), RoomRole.MEMBER);
                for (int i = 0; i < 20; i++) {
                    (i % 2 == 0 ? onA : onB)
                            .messages()
                            .publish(room, ("message " + i).getBytes(StandardCharsets.UTF_8));
                }
                byte[] attachment = new byte[100_000];
                TestNode.RANDOM.nextBytes(attachment);
                BlobRef ref = onB.blobs().put(room, new ByteArrayInputStream(attachment));
                onB.messages().publish(room, ref.toMessage());

                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> assertThat(SitePair.digest(backupDir)).isEqualTo(clusterDigest(f)));
                assertThat(backup[0].client(alice).messages().history(room, 0, 100))
                        .hasSize(21);
                ByteArrayOutputStream fetched = new ByteArrayOutputStream();
                backup[0].client(bob).blobs().get(room, ref, fetched);
                assertThat(fetched.toByteArray()).isEqualTo(attachment);
                // One node sends the feeds; each sends its own audit entries into a copy of its own.
                boolean aSends = f.a.admin.site().status().sender();
                assertThat(f.b.admin.site().status().sender()).isNotEqualTo(aSends);
                for (String node : List.of("a", "b")) {
                    Path copy = new DataDir(backupDir)
                            .audit()
                            .resolve("sites")
                            .resolve(endpoint(dir.resolve(node)) + ".log");
                    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(copy) && Files.size(copy) > 0);
                }

                // The sending node goes; the other takes over.
                TestNode stays = aSends ? f.b : f.a;
                KeyroomClient onStays = aSends ? onB : onA;
                if (aSends) {
                    f.a.close();
                    f.a = null;
                } else {
                    f.b.close();
                    f.b = null;
                }
                onStays.messages().publish(room, "after the sender went".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(
                                        backup[0].client(alice).messages().history(room, 0, 100))
                                .hasSize(22));
                assertThat(stays.admin.site().status().sender()).isTrue();

                // The backup is promoted; the cluster's next push is refused, and the cluster is fenced.
                assertThat(backup[0].admin.site().promote(1).siteEpoch()).isEqualTo(2);
                onStays.messages().publish(room, "before the fence".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() ->
                                assertThat(stays.admin.site().status().role()).isEqualTo("fenced"));
                assertThatThrownBy(() -> onStays.messages().publish(room, "after".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOfSatisfying(
                                KeyroomApiException.class,
                                e -> assertThat(e.status()).isEqualTo(503));
                assertThat(backup[0].client(alice).messages().history(room, 0, 100))
                        .hasSize(22);
            } finally {
                if (backup[0] != null) {
                    backup[0].close();
                }
            }
        }
    }

    /**
     * An embedded primary and a cluster backup (two nodes over three NATS servers, seeded with
     * {@code keyroom site seed} and {@code keyroom migrate}): every node applies the primary's
     * batches alike and serves reads; promoted through one node, both become the primary of the new
     * epoch, and the old primary's next push fences it.
     */
    @Test
    void aClusterIsTheBackup_everyNodeApplies_andAPromotionThroughOneNodeIsEverys() throws Exception {
        ClusterBackupSites sites = ClusterBackupSites.prepare(dir, "");
        Path primaryDir = sites.primaryDir();
        try (ClusterFixture f = ClusterFixture.start(dir, "", config -> {}, sites.backupYamlA(), sites.backupYamlB());
                TestNode primary = TestNode.start(primaryDir, sites.primaryYaml())) {
            Identity alice = primary.register("alice", Role.MEMBER);
            KeyroomClient onPrimary = primary.client(alice);
            RoomId room = RoomId.parse(onPrimary.rooms().create("ops").roomId());
            onPrimary.messages().publish(room, "message 0".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(clusterDigest(f)).isEqualTo(SitePair.digest(primaryDir)));
            // A subscriber on each node gets the primary's messages live, once each and in order.
            Inbox onA = new Inbox();
            Inbox onB = new Inbox();
            try (BusClient busA = f.a.client(alice).connectBus();
                    BusClient busB = f.b.client(alice).connectBus()) {
                busA.subscribe(room, 0, onA);
                busB.subscribe(room, 0, onB);
                busA.ready().get(10, TimeUnit.SECONDS);
                busB.ready().get(10, TimeUnit.SECONDS);
                for (int i = 1; i < 10; i++) {
                    onPrimary.messages().publish(room, ("message " + i).getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(clusterDigest(f)).isEqualTo(SitePair.digest(primaryDir)));
                await().atMost(Duration.ofSeconds(10)).until(() -> onA.got.size() >= 10 && onB.got.size() >= 10);
                Thread.sleep(300); // a duplicate would arrive right behind
                List<String> expected = java.util.stream.IntStream.range(0, 10)
                        .mapToObj(i -> "message " + i)
                        .toList();
                assertThat(onA.texts()).containsExactlyElementsOf(expected);
                assertThat(onB.texts()).containsExactlyElementsOf(expected);
            }
            assertThat(f.b.client(alice).messages().history(room, 0, 100)).hasSize(10);
            assertThat(f.a.admin.site().status().role()).isEqualTo("backup");
            assertThatThrownBy(() -> f.b.client(alice).messages().publish(room, "no".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(503));

            // Promoted through node B: both nodes are the primary of epoch 2.
            assertThat(f.b.admin.site().promote(1).siteEpoch()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(f.a.admin.site().status().role()).isEqualTo("primary");
                assertThat(f.a.admin.site().status().siteEpoch()).isEqualTo(2);
            });
            f.a.client(alice).messages().publish(room, "on the promoted cluster".getBytes(StandardCharsets.UTF_8));

            // The old primary's next push goes to node A: refused, and the old primary is fenced.
            onPrimary.messages().publish(room, "never replicated".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(primary.admin.site().status().role()).isEqualTo("fenced"));
            assertThat(f.b.client(alice).messages().history(room, 0, 100)).hasSize(11);
        }
    }

    /** The digest of the cluster's records, from a replica rebuilt for the purpose. */
    private Store.Digest clusterDigest(ClusterFixture f) throws Exception {
        Path work = Files.createTempDirectory(dir, "digest-");
        try (io.nats.client.Connection nats = f.connect();
                JetStreamStore store =
                        JetStreamStore.open(nats, 3, work, Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            return store.digest();
        }
    }

    private static String endpoint(Path dataDir) throws Exception {
        try (Identity key = new DataDir(dataDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            return key.endpoint().value();
        }
    }
}
