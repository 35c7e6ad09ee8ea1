package dev.keyroom.protocol;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The identity file of the protocol: JSON, mode 0600, refused when group or others can read it
 * (SEC-4), and checked on load: the public keys and endpoint it states must be those of its
 * private keys.
 */
public final class IdentityFile {
    public static final String KIND = "keyroom-identity";

    record Contents(
            String kind,
            int version,
            String endpoint,
            String signSeed,
            String signPub,
            String kexPrivate,
            String kexPub) {}

    private IdentityFile() {}

    /** Writes {@code identity} to a new file {@code path} with mode 0600. */
    public static void write(Path path, Identity identity) throws IOException {
        byte[] seed = identity.signSeed().unsafeBytes();
        byte[] kex = identity.kexPrivate().unsafeBytes();
        byte[] json = null;
        try {
            Contents c = new Contents(
                    KIND,
                    1,
                    identity.endpoint().value(),
                    Base64Url.encode(seed),
                    Base64Url.encode(identity.signPub()),
                    Base64Url.encode(kex),
                    Base64Url.encode(identity.kexPub()));
            json = Json.write(c);
            KeyFiles.writeSecret(path, json, false);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(kex, (byte) 0);
            if (json != null) {
                Arrays.fill(json, (byte) 0);
            }
        }
    }

    /**
     * Reads an identity file.
     *
     * @throws KeyFiles.InsecureKeyFileException when others can read it
     * @throws IOException when it cannot be read or is not a valid identity file
     */
    public static Identity read(Path path) throws IOException {
        byte[] raw = KeyFiles.readSecret(path);
        try {
            Contents c;
            try {
                c = Json.read(raw, Contents.class);
            } catch (KeyroomException e) {
                throw new IOException("not a Keyroom identity file: " + e.getMessage());
            }
            if (!KIND.equals(c.kind()) || c.version() != 1) {
                throw new IOException("not a Keyroom identity file of version 1");
            }
            Identity id;
            try {
                id = Identity.fromSecrets(
                        SecretBytes.wrap(Base64Url.decode(c.signSeed(), "sign_seed")),
                        SecretBytes.wrap(Base64Url.decode(c.kexPrivate(), "kex_private")));
                id.requireMatches(
                        EndpointId.parse(c.endpoint()),
                        Base64Url.decode(c.signPub(), "sign_pub"),
                        Base64Url.decode(c.kexPub(), "kex_pub"));
            } catch (KeyroomException | IllegalArgumentException e) {
                throw new IOException("invalid identity file: " + e.getMessage());
            }
            return id;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
