package dev.keyroom.core.vault;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;
import java.util.Optional;

/** One version of a secret as stored: its sealed value, or none for a tombstone. */
public record StoredSecret(
        String name, long version, Optional<Keyring.Sealed> sealed, EndpointId createdBy, Instant createdAt) {
    public boolean tombstone() {
        return sealed.isEmpty();
    }
}
