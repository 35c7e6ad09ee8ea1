package dev.keyroom.server;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.store.Store;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.store.sqlite.SqliteStore;
import dev.keyroom.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A primary and a backup on loopback, set up as an operator would: the backup starts from a seed
 * ({@code keyroom site seed}) of the running primary; a replication CA issues the
 * primary's client certificate; the backup accepts the primary's site key and pins nothing else;
 * the primary pins the backup. Both nodes get {@code extraYaml}.
 */
public final class SitePair implements AutoCloseable {
    public final Path primaryDir;
    public final Path backupDir;
    public final int applyPort;
    public final String backupYaml;
    /** The primary's config: set once the backup's pin is known. */
    public String primaryYaml;

    public TestNode primary;
    public TestNode backup;

    private SitePair(Path primaryDir, Path backupDir, int applyPort, String backupYaml) {
        this.primaryDir = primaryDir;
        this.backupDir = backupDir;
        this.applyPort = applyPort;
        this.backupYaml = backupYaml;
    }

    public static SitePair start(Path dir, String extraYaml) throws Exception {
        return start(dir, (primaryPort, backupPort) -> extraYaml);
    }

    /** As above, with the extra YAML made from the two sites' client ports (to name them, say). */
    public static SitePair start(Path dir, java.util.function.BiFunction<Integer, Integer, String> yamlForPorts)
            throws Exception {
        Path primaryDir = dir.resolve("primary");
        Path backupDir = dir.resolve("backup");
        new DataDir(primaryDir).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
        // The backup's TLS key first: the primary pins it.
        String backupPin = ReplicationPki.siteTls(backupDir);
        TlsMaterial ca = ReplicationPki.ca("keyroom replication CA");
        Path caDir = dir.resolve("replication-ca");
        ca.write(caDir);
        ReplicationPki.client(ca, "primary").write(primaryDir.resolve("replication-client"));
        String siteKey;
        try (Identity key = new DataDir(primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            siteKey = Base64Url.encode(key.signPub());
        }
        int[] ports = FreePorts.take(3);
        int primaryPort = ports[0];
        int applyPort = ports[1];
        int backupPort = ports[2];
        String extraYaml = yamlForPorts.apply(primaryPort, backupPort);
        String backupYaml = extraYaml + "listen: \"127.0.0.1:" + backupPort
                + "\"\nreplication:\n  role: backup\n  primary_url: \"https://127.0.0.1:"
                + primaryPort
                + "\"\n  listen: \"127.0.0.1:" + applyPort + "\"\n  client_ca: " + caDir.resolve(TlsMaterial.CERT_FILE)
                + "\n  primary_keys: [\"" + siteKey + "\"]\n";
        SitePair pair = new SitePair(primaryDir, backupDir, applyPort, backupYaml);
        pair.primaryYaml = extraYaml + "listen: \"127.0.0.1:" + primaryPort
                + "\"\nreplication:\n  backup_url: \"https://127.0.0.1:"
                + applyPort + "\"\n  backup_pin: \"" + backupPin + "\"\n  client_tls_dir: "
                + primaryDir.resolve("replication-client") + "\n";
        pair.primary = TestNode.start(primaryDir, pair.primaryYaml);
        try {
            // As an operator would: the backup starts from a seed of the running primary.
            SiteSeed.seed(pair.primary.config, backupDir);
            Files.copy(primaryDir.resolve("admin.identity"), backupDir.resolve("admin.identity"));
            new DataDir(backupDir)
                    .init(Optional.of(backupDir.resolve("admin.identity")), Clock.system(), TestNode.RANDOM);
            pair.backup = TestNode.start(backupDir, backupYaml);
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    public String backupPin() {
        return backup.server.pin().orElseThrow();
    }

    public void stopBackup() {
        backup.close();
    }

    public void startBackup() throws Exception {
        backup = TestNode.start(backupDir, backupYaml);
    }

    public void stopPrimary() {
        primary.close();
    }

    public void startPrimary() throws Exception {
        primary = TestNode.start(primaryDir, primaryYaml);
    }

    /** Counts and digest of every record in a site's database. */
    public static Store.Digest digest(Path dataDir) {
        try (SqliteStore s = SqliteStore.open(new DataDir(dataDir).database())) {
            return s.digest();
        }
    }

    @Override
    public void close() {
        try {
            if (primary != null) {
                primary.close();
            }
        } finally {
            if (backup != null) {
                backup.close();
            }
        }
    }
}
