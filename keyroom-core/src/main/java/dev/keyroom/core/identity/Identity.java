package dev.keyroom.core.identity;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.crypto.X25519Keys;
import java.security.SecureRandom;

/**
 * A private identity: an Ed25519 signing key and an X25519 key-agreement key. Holds secrets, so it
 * prints redacted and must be closed to zero them.
 */
public final class Identity implements AutoCloseable {
    private final EndpointId endpoint;
    private final SecretBytes signSeed;
    private final byte[] signPub;
    private final SecretBytes kexPrivate;
    private final byte[] kexPub;

    private Identity(SecretBytes signSeed, SecretBytes kexPrivate) {
        this.signSeed = signSeed;
        this.signPub = Ed25519.publicKey(signSeed);
        this.kexPrivate = kexPrivate;
        this.kexPub = X25519Keys.publicKey(kexPrivate);
        this.endpoint = EndpointId.of(signPub);
    }

    public static Identity generate(SecureRandom random) {
        return new Identity(Ed25519.generateSeed(random), X25519Keys.generatePrivateKey());
    }

    /**
     * Rebuilds an identity from its private parts, taking ownership of both secrets. Any public
     * values stored beside them must be checked with {@link #requireMatches}.
     */
    public static Identity fromSecrets(SecretBytes signSeed, SecretBytes kexPrivate) {
        if (signSeed.length() != 32 || kexPrivate.length() != 32) {
            throw new IllegalArgumentException("identity keys must be 32 bytes");
        }
        return new Identity(signSeed, kexPrivate);
    }

    /** Fails when stored public values disagree with those derived from the private keys. */
    public void requireMatches(EndpointId storedEndpoint, byte[] storedSignPub, byte[] storedKexPub) {
        if (!endpoint.equals(storedEndpoint)
                || !dev.keyroom.core.crypto.Digests.constantTimeEquals(signPub, storedSignPub)
                || !dev.keyroom.core.crypto.Digests.constantTimeEquals(kexPub, storedKexPub)) {
            throw new IllegalArgumentException(
                    "identity file is inconsistent: its public keys or endpoint do not match its private keys");
        }
    }

    public EndpointId endpoint() {
        return endpoint;
    }

    public byte[] signPub() {
        return signPub.clone();
    }

    public byte[] kexPub() {
        return kexPub.clone();
    }

    /** The signing seed; the caller must not keep the bytes it extracts. */
    public SecretBytes signSeed() {
        return signSeed;
    }

    public SecretBytes kexPrivate() {
        return kexPrivate;
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(signSeed, message);
    }

    @Override
    public void close() {
        signSeed.close();
        kexPrivate.close();
    }

    @Override
    public String toString() {
        return "Identity[" + endpoint + ", [REDACTED]]";
    }
}
