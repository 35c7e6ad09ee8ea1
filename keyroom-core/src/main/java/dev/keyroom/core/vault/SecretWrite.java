package dev.keyroom.core.vault;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.time.Instant;

/**
 * What every write of a secret names: the room and the secret, who writes it and when, and how
 * many versions of the name to keep unless the room sets its own number.
 */
public record SecretWrite(RoomId room, String name, EndpointId by, Instant at, int keep) {}
