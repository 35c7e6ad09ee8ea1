package dev.keyroom.server.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.replication.ReplicationBatch;
import java.security.SecureRandom;
import java.util.List;

/**
 * This site as it signs what it sends its backup: its key, its role (whose epoch every batch and
 * blob stamp carries), the time and a fresh nonce for each.
 */
record SiteSigner(Identity key, SiteRole site, Clock clock, SecureRandom random) {

    /** A fresh nonce for one signed batch or blob stamp. */
    String nonce() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }

    /** Signs a batch of {@code feed}, now, under this site's epoch; the primary's feed holds up to {@code primaryLast}. */
    ReplicationBatch.Signed sign(ReplicationBatch.Feed feed, long firstSeq, List<byte[]> records, long primaryLast) {
        return ReplicationBatch.sign(feed, key, site.epoch(), firstSeq, records, nonce(), clock.now(), primaryLast);
    }
}
