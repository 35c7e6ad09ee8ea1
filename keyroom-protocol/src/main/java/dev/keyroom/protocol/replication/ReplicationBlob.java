package dev.keyroom.protocol.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A blob's bytes on their way from a primary to a backup (REPL-2: blobs go separately from the
 * batches, by address): {@code PUT /v1/replication/blobs/{room}/{sha256}} with the bytes as the
 * body. The stamp, this record as JSON in base64url in the {@value #STAMP_HEADER} header, names the
 * site epoch, the room, the address and the size, a fresh nonce and the time it was made; the site
 * key signs it under its own domain prefix, in {@link ReplicationBatch#SIGNATURE_HEADER}, with
 * the key in {@link ReplicationBatch#KEY_HEADER}. The address is the SHA-256 of the body, so the
 * signed stamp binds the bytes: the backup stores them only if they hash to it.
 */
public record ReplicationBlob(long siteEpoch, String room, String sha256, long size, String nonce, String created)
        implements Stamped {
    public static final String STAMP_HEADER = "Keyroom-Site-Blob";
    public static final String PATH_PREFIX = "/v1/replication/blobs/";
    private static final byte[] DOMAIN = "keyroom/v1/replication-blob\0".getBytes(StandardCharsets.US_ASCII);

    /** The path a blob is sent to. */
    public String path() {
        return PATH_PREFIX + room + "/" + sha256;
    }

    /** What the site key signs: the domain prefix and the stamp's JSON exactly as sent. */
    public static byte[] signedMessage(byte[] stampJson) {
        return ReplicationBatch.prefixed(DOMAIN, stampJson);
    }

    /** The stamp header's value and the signature, as a primary sends them. */
    public record Signed(String stamp, String key, String signature) {}

    public static Signed sign(Identity siteKey, ReplicationBlob stamp) {
        byte[] json = Json.write(stamp);
        return new Signed(
                Base64Url.encode(json),
                Base64Url.encode(siteKey.signPub()),
                Base64Url.encode(siteKey.sign(signedMessage(json))));
    }

    /** A stamp for {@code room}'s blob {@code sha256} of {@code size} bytes, made now. */
    public static ReplicationBlob of(long siteEpoch, String room, String sha256, long size, String nonce, Instant now) {
        return new ReplicationBlob(siteEpoch, room, sha256, size, nonce, now.toString());
    }
}
