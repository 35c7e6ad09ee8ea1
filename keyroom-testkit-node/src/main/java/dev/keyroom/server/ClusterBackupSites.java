package dev.keyroom.server;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An embedded primary ({@code dir/site-a}) and the data of a cluster backup's node A ({@code dir/a}),
 * wired for site replication as an operator would: a replication CA and the primary's client
 * certificate, the backup's TLS pin, and node A seeded from the primary before the primary first
 * runs with its backup. Start the primary with {@link #primaryYaml} and the backup with
 * {@code ClusterFixture.start(dir, extraYaml, config -> {}, backupYamlA, backupYamlB)}, in either order.
 */
public record ClusterBackupSites(Path primaryDir, String primaryYaml, String backupYamlA, String backupYamlB) {
    public static ClusterBackupSites prepare(Path dir, String extraYaml) throws Exception {
        Path primaryDir = dir.resolve("site-a");
        new DataDir(primaryDir).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
        Path dirA = dir.resolve("a");
        String pinA = ReplicationPki.siteTls(dirA);
        TlsMaterial ca = ReplicationPki.ca("keyroom replication CA");
        Path caDir = dir.resolve("replication-ca");
        ca.write(caDir);
        ReplicationPki.client(ca, "site-a").write(primaryDir.resolve("replication-client"));
        int[] ports = FreePorts.take(3);
        int primaryPort = ports[0];
        int applyA = ports[1];
        int applyB = ports[2];
        String primaryYaml = extraYaml + "listen: \"127.0.0.1:" + primaryPort
                + "\"\nreplication:\n  backup_url: \"https://127.0.0.1:" + applyA + "\"\n  backup_pin: \"" + pinA
                + "\"\n  client_tls_dir: " + primaryDir.resolve("replication-client") + "\n";
        // Seeded from the primary (stopped, before it first runs with its backup), then migrated into the cluster.
        SiteSeed.seed(ServerConfig.from(primaryDir, ServerConfig.parse(primaryYaml, "test")), dirA);
        Files.copy(primaryDir.resolve("admin.identity"), dirA.resolve("admin.identity"));
        String backupRole = "replication:\n  role: backup\n  primary_url: \"https://127.0.0.1:" + primaryPort
                + "\"\n  client_ca: " + caDir.resolve(TlsMaterial.CERT_FILE) + "\n  primary_keys: [\""
                + siteKey(primaryDir) + "\"]\n  listen: \"127.0.0.1:";
        return new ClusterBackupSites(
                primaryDir, primaryYaml, backupRole + applyA + "\"\n", backupRole + applyB + "\"\n");
    }

    /** The site key of the node with {@code dataDir}, as a backup's config lists it. */
    public static String siteKey(Path dataDir) throws Exception {
        try (Identity key = new DataDir(dataDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            return Base64Url.encode(key.signPub());
        }
    }
}
