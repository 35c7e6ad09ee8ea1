package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;

/** A message as the server keeps it: the sender's envelope, opaque, with the sequence it was given. */
public record StoredMessage(
        RoomId room, long seq, String messageId, EndpointId sender, long epoch, byte[] envelope, Instant receivedAt) {
    public StoredMessage {
        envelope = envelope.clone();
    }

    @Override
    public byte[] envelope() {
        return envelope.clone();
    }
}
