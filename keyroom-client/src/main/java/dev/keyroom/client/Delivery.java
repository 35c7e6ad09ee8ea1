package dev.keyroom.client;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;

/** A message from a room's history, as the SDK judged it. */
public sealed interface Delivery {
    long seq();

    /** Verified and, in encrypted rooms, decrypted. */
    record Accepted(long seq, EndpointId sender, long epoch, Instant sentAt, byte[] plaintext) implements Delivery {
        public Accepted {
            plaintext = plaintext.clone();
        }

        @Override
        public byte[] plaintext() {
            return plaintext.clone();
        }
    }

    /**
     * Refused by the SDK: tampered, not the sender's signature, for another room or epoch than the
     * server said, or a message id seen before (a replay). {@code reason} says which.
     */
    record Rejected(long seq, String reason) implements Delivery {}
}
