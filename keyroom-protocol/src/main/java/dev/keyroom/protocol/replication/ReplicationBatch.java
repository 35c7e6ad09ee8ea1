package dev.keyroom.protocol.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A batch of one of a primary's feeds as it travels to a backup (REPL-3): the primary's site
 * epoch, the sequence of its first record, the records (base64url), a fresh nonce, the time it
 * was made, and the last record the primary's feed held when it was made. Two feeds travel this way, each to its own path under its own signing domain: the
 * changes ({@link Feed#CHANGES}) and the audit log's entries ({@link Feed#AUDIT}). The SHA-256 of
 * the JSON body as sent is signed, under the feed's domain separation prefix, by the primary's site
 * key; the backup hashes the raw bytes it received, never a re-serialisation.
 *
 * <p>Headers: {@value #KEY_HEADER} carries the site's Ed25519 public key (base64url),
 * {@value #SIGNATURE_HEADER} the signature (base64url).
 */
public record ReplicationBatch(
        long siteEpoch, long firstSeq, List<String> changes, String nonce, String created, long primaryLast)
        implements Stamped {
    public static final String KEY_HEADER = "Keyroom-Site-Key";
    public static final String SIGNATURE_HEADER = "Keyroom-Site-Signature";
    public static final String PATH = "/v1/replication/apply";

    /** A feed a primary sends its backup: the path it goes to and the domain its batches are signed under. */
    public enum Feed {
        CHANGES(PATH, "keyroom/v1/replication-batch\0"),
        /** The audit log's entries, each a stored line (UTF-8), in the order of their seq. */
        AUDIT("/v1/replication/audit", "keyroom/v1/replication-audit\0");

        private final String path;
        private final byte[] domain;

        Feed(String path, String domain) {
            this.path = path;
            this.domain = domain.getBytes(StandardCharsets.US_ASCII);
        }

        public String path() {
            return path;
        }
    }

    /**
     * What the site key signs for a batch of {@code feed}: the feed's domain prefix and the SHA-256
     * of the body exactly as sent (the backup hashes the bytes it received, never a
     * re-serialisation). Signing the digest rather than the body, as a request's signature covers
     * its content digest: Ed25519 hashes its message with SHA-512 twice to sign and once to verify,
     * some 100 ms over a catching-up batch of 11 MB on this machine, where the JDK's SHA-256 takes 7.
     */
    public static byte[] signedMessage(Feed feed, byte[] body) {
        return prefixed(feed.domain, Digests.sha256(body));
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
        return sign(Feed.CHANGES, siteKey, siteEpoch, firstSeq, changes, nonce, created, firstSeq + changes.size() - 1);
    }

    /**
     * Makes a batch of {@code feed}'s {@code records} and signs it with {@code siteKey}, saying that
     * the primary's feed holds records up to {@code primaryLast} (so the backup can tell how far
     * behind it is).
     */
    public static Signed sign(
            Feed feed,
            Identity siteKey,
            long siteEpoch,
            long firstSeq,
            List<byte[]> records,
            String nonce,
            Instant created,
            long primaryLast) {
        byte[] body = Json.write(new ReplicationBatch(
                siteEpoch,
                firstSeq,
                records.stream().map(Base64Url::encode).toList(),
                nonce,
                created.toString(),
                primaryLast));
        return new Signed(
                body, Base64Url.encode(siteKey.signPub()), Base64Url.encode(siteKey.sign(signedMessage(feed, body))));
    }
}
