package dev.keyroom.client;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import java.security.SecureRandom;

/**
 * What one client's resources and data-plane connections share: the signed transport, the caller's
 * identity, the randomness and clock it seals and signs with, and its cache of unsealed room keys.
 * Made once by {@link KeyroomClient}, so each resource takes it whole instead of its own run of
 * constructor parameters; closing it closes what the client opened.
 */
record ClientContext(SignedTransport transport, Identity identity, SecureRandom random, Clock clock, RoomKeyCache keys)
        implements AutoCloseable {
    @Override
    public void close() {
        transport.close();
        keys.close();
    }
}
