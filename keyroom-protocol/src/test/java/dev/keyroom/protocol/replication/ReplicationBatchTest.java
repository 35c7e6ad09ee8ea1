package dev.keyroom.protocol.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.identity.Identity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signature of a batch as another implementation would check it (docs/protocol.md, site
 * replication): Ed25519 by the site key over the feed's domain, a zero byte and the SHA-256 of the
 * body as sent; a batch of one feed does not pass as the other's, and no byte of the body can change.
 */
class ReplicationBatchTest {
    static final SecureRandom RANDOM = new SecureRandom();

    static byte[] expectedMessage(String domain, byte[] body) throws Exception {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(domain.getBytes(StandardCharsets.US_ASCII));
        m.write(0);
        m.write(MessageDigest.getInstance("SHA-256").digest(body));
        return m.toByteArray();
    }

    @Test
    void theSiteKeySignsTheFeedsDomainAndTheDigestOfTheBodyAsSent() throws Exception {
        try (Identity site = Identity.generate(RANDOM)) {
            ReplicationBatch.Signed s = ReplicationBatch.sign(
                    ReplicationBatch.Feed.CHANGES,
                    site,
                    3,
                    41,
                    List.of(new byte[] {1, 2, 3}, new byte[] {4}),
                    "bm9uY2Utbm9uY2Utbm9uY2U",
                    Instant.parse("2026-11-23T00:00:00Z"),
                    42);
            byte[] key = Base64Url.decode(s.key(), "key");
            byte[] signature = Base64Url.decode(s.signature(), "signature");
            assertThat(key).isEqualTo(site.signPub());
            assertThat(new String(s.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"site_epoch\":3,\"first_seq\":41,\"changes\":[\"AQID\",\"BA\"],"
                            + "\"nonce\":\"bm9uY2Utbm9uY2Utbm9uY2U\",\"created\":\"2026-11-23T00:00:00Z\","
                            + "\"primary_last\":42}");

            assertThat(Ed25519.verify(key, expectedMessage("keyroom/v1/replication-batch", s.body()), signature))
                    .isTrue();
            assertThat(ReplicationBatch.signedMessage(ReplicationBatch.Feed.CHANGES, s.body()))
                    .isEqualTo(expectedMessage("keyroom/v1/replication-batch", s.body()));
            // Not as an audit batch, and not over the body itself.
            assertThat(Ed25519.verify(key, expectedMessage("keyroom/v1/replication-audit", s.body()), signature))
                    .isFalse();
            assertThat(Ed25519.verify(key, s.body(), signature)).isFalse();
            // Any byte changed: the digest, and so the signature, no longer hold.
            for (int i = 0; i < s.body().length; i++) {
                byte[] tampered = Arrays.copyOf(s.body(), s.body().length);
                tampered[i] ^= 1;
                assertThat(Ed25519.verify(
                                key,
                                ReplicationBatch.signedMessage(ReplicationBatch.Feed.CHANGES, tampered),
                                signature))
                        .isFalse();
            }
        }
    }
}
