package dev.keyroom.server.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import java.security.SecureRandom;

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
}
