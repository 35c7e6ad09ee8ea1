package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;

/**
 * A sealed message as the server accepts it for a room, before it has a sequence: the envelope's
 * own id, sender and epoch, read from the envelope, and when it arrived.
 */
public record NewMessage(
        RoomId room, String messageId, EndpointId sender, long epoch, byte[] envelope, Instant receivedAt) {}
