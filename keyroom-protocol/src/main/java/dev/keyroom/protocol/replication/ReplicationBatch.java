package dev.keyroom.protocol.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A batch of a primary's change feed as it travels to a backup (REPL-3): the primary's site epoch,
 * the sequence of its first change, the changes (base64url), a fresh nonce and the time it was
 * made. The JSON body is signed as sent, under a domain separation prefix, by the primary's site
 * key; the backup verifies the raw bytes it received, never a re-serialisation.
 *
 * <p>Headers: {@value #KEY_HEADER} carries the site's Ed25519 public key (base64url),
 * {@value #SIGNATURE_HEADER} the signature (base64url).
 */
public record ReplicationBatch(long siteEpoch, long firstSeq, List<String> changes, String nonce, String created)
        implements Stamped {
    public static final String KEY_HEADER = "Keyroom-Site-Key";
    public static final String SIGNATURE_HEADER = "Keyroom-Site-Signature";
    public static final String PATH = "/v1/replication/apply";
    private static final byte[] DOMAIN = "keyroom/v1/replication-batch\0".getBytes(StandardCharsets.US_ASCII);

    /** What the site key signs: the domain prefix and the body exactly as sent. */
    public static byte[] signedMessage(byte[] body) {
        return prefixed(DOMAIN, body);
    }

    static byte[] prefixed(byte[] domain, byte[] bytes) {
        byte[] m = new byte[domain.length + bytes.length];
        System.arraycopy(domain, 0, m, 0, domain.length);
        System.arraycopy(bytes, 0, m, domain.length, bytes.length);
        return m;
    }

    /** A body and its two headers, as a primary sends them. */
    public record Signed(byte[] body, String key, String signature) {}

    /** Makes a batch of {@code changes} (each a change's bytes) and signs it with {@code siteKey}. */
    public static Signed sign(
            Identity siteKey, long siteEpoch, long firstSeq, List<byte[]> changes, String nonce, Instant created) {
        byte[] body = Json.write(new ReplicationBatch(
                siteEpoch, firstSeq, changes.stream().map(Base64Url::encode).toList(), nonce, created.toString()));
        return new Signed(
                body, Base64Url.encode(siteKey.signPub()), Base64Url.encode(siteKey.sign(signedMessage(body))));
    }
}
