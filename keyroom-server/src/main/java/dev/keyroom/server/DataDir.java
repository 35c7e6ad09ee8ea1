package dev.keyroom.server;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The layout of a node's data directory (mode 0700): {@code keyroom.db}, {@code tls/}, {@code
 * keyroom.yaml} (optional) and, when init made the first admin, {@code admin.identity}.
 */
public record DataDir(Path root) {
    public Path database() {
        return root.resolve("keyroom.db");
    }

    public Path tls() {
        return root.resolve("tls");
    }

    public Path adminIdentity() {
        return root.resolve("admin.identity");
    }

    /** Blobs, by room and address. */
    public Path blobs() {
        return root.resolve("blobs");
    }

    /** The server's own signing key: it signs audit checkpoints. */
    public Path serverIdentity() {
        return root.resolve("server.identity");
    }

    /** The at-rest keyring (SEC-2..SEC-4). */
    public Path keyring() {
        return root.resolve("keyring");
    }

    /** The audit log and its signed checkpoints. */
    public Path audit() {
        return root.resolve("audit");
    }

    /** Reads the server's signing key, creating it (0600) on first use. */
    public dev.keyroom.core.identity.Identity loadOrCreateServerIdentity(java.security.SecureRandom random)
            throws IOException {
        if (!Files.exists(serverIdentity())) {
            try (dev.keyroom.core.identity.Identity fresh = dev.keyroom.core.identity.Identity.generate(random)) {
                dev.keyroom.protocol.IdentityFile.write(serverIdentity(), fresh);
            }
        }
        return dev.keyroom.protocol.IdentityFile.read(serverIdentity());
    }

    /**
     * The nonces a clean stop saved, for the next start (AUTH-3); present only while the node is
     * stopped after a clean stop, or never started.
     */
    public Path savedNonces() {
        return root.resolve("nonces.saved");
    }

    public Path configFile() {
        return root.resolve("keyroom.yaml");
    }

    /**
     * Where request bodies bound for disk are spooled while they stream in. Emptied of leftovers
     * (from a crash) each time it is asked for, which is at start.
     */
    public Path spool() throws IOException {
        Path dir = root.resolve("tmp");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try (var leftovers = Files.list(dir)) {
            for (Path p : leftovers.toList()) {
                Files.deleteIfExists(p);
            }
        }
        return dir;
    }

    /** What {@link #init} did. */
    public record Init(boolean created, String spkiPin, Optional<Path> adminIdentityWritten, String adminEndpoint) {}

    public boolean isInitialised() {
        return Files.exists(database()) && Files.exists(tls().resolve(TlsMaterial.CERT_FILE));
    }

    /**
     * Initialises the directory: TLS material, the store, and the first admin (from {@code
     * adminIdentity} when given, else a new identity written to {@code admin.identity}). Safe to
     * run on an initialised directory: it changes nothing and reports what is there.
     */
    public Init init(Optional<Path> adminIdentity, Clock clock, SecureRandom random) throws IOException {
        Files.createDirectories(root);
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: key files are still checked one by one
        }
        if (!Files.exists(tls().resolve(TlsMaterial.CERT_FILE))) {
            TlsMaterial.selfSigned(List.of("localhost", "127.0.0.1", "::1"), random)
                    .write(tls());
        }
        String pin = TlsMaterial.read(tls()).spkiPin();
        loadOrCreateServerIdentity(random).close();
        dev.keyroom.core.crypto.Keyring.loadOrCreate(keyring(), random).close();
        try (SqliteStore store = SqliteStore.open(database())) {
            if (!store.users().list().isEmpty()) {
                return new Init(
                        false,
                        pin,
                        Optional.empty(),
                        store.users().list().getFirst().endpoint().value());
            }
            // A new directory has accepted nothing: its first start needs no replay fence.
            dev.keyroom.server.auth.SavedNonces.writeEmpty(savedNonces());
            UserService users = new UserService(store.users(), clock, (e, s) -> {});
            Optional<Path> written = Optional.empty();
            Identity admin;
            if (adminIdentity.isPresent()) {
                admin = IdentityFile.read(adminIdentity.get());
            } else {
                admin = Identity.generate(random);
                if (!Files.exists(adminIdentity())) {
                    IdentityFile.write(adminIdentity(), admin);
                    written = Optional.of(adminIdentity());
                } else {
                    admin.close();
                    admin = IdentityFile.read(adminIdentity());
                }
            }
            try (Identity a = admin) {
                users.bootstrapAdmin(a.signPub(), a.kexPub(), "admin");
                return new Init(true, pin, written, a.endpoint().value());
            }
        }
    }
}
