package dev.keyroom.gateway;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's data directory: its identity ({@code gateway.identity}, 0600) and the public half
 * ({@code gateway.pub}, for {@code keyroom user add --from}), its CA ({@code ca.pem}, {@code ca-key.pem}
 * 0600), the key of its session hashes ({@code session.key}, 0600), its database ({@code state.db}),
 * its audit log ({@code audit/}) and its configuration ({@code gateway.yaml}).
 */
public record GatewayDir(Path root) {
    public Path identity() {
        return root.resolve("gateway.identity");
    }

    public Path publicIdentity() {
        return root.resolve("gateway.pub");
    }

    public Path caCertificate() {
        return root.resolve("ca.pem");
    }

    public Path sessionKey() {
        return root.resolve("session.key");
    }

    public Path database() {
        return root.resolve("state.db");
    }

    public Path audit() {
        return root.resolve("audit");
    }

    public Path config() {
        return root.resolve("gateway.yaml");
    }

    public boolean initialised() {
        return Files.exists(identity());
    }

    /**
     * Makes a fresh directory's identity, CA, session key and audit directory, and records
     * {@code settings} in {@code gateway.yaml}; refuses a directory that already holds an identity.
     */
    void init(GatewayConfig.File settings, SecureRandom random, dev.keyroom.core.port.Clock clock) throws IOException {
        if (initialised()) {
            throw new IllegalStateException(root + " already holds a gateway");
        }
        // Like a node's, the directory is its owner's alone: the database holds session hashes and
        // counters, the audit log who called what.
        Files.createDirectories(
                root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(audit());
        try (Identity id = Identity.generate(random)) {
            IdentityFile.write(identity(), id);
            Map<String, String> pub = new LinkedHashMap<>();
            pub.put("endpoint", id.endpoint().value());
            pub.put("sign_pub", Base64Url.encode(id.signPub()));
            pub.put("kex_pub", Base64Url.encode(id.kexPub()));
            Files.write(publicIdentity(), Json.mapper().writeValueAsBytes(pub));
        }
        GatewayCa.create(root, clock);
        byte[] key = new byte[32];
        random.nextBytes(key);
        writePrivate(sessionKey(), key);
        if (!Files.exists(config())) {
            GatewayConfig.write(config(), settings);
        }
    }

    byte[] readSessionKey() throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sessionKey());
        if (!PosixFilePermissions.toString(perms).equals("rw-------")) {
            throw new IllegalStateException(sessionKey() + " must be readable by its owner only (chmod 600)");
        }
        byte[] key = Files.readAllBytes(sessionKey());
        if (key.length != 32) {
            throw new IllegalStateException(sessionKey() + " must hold 32 bytes");
        }
        return key;
    }

    private static void writePrivate(Path file, byte[] bytes) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
