package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import java.time.Instant;
import java.util.Objects;

/**
 * A room. {@code epoch} starts at 1 and grows by one with each rekey; {@code rekeyRequired} is set
 * when a member leaves and cleared by the next rekey.
 */
public record Room(
        RoomId id,
        String name,
        RoomPolicy policy,
        long epoch,
        EndpointId owner,
        Instant createdAt,
        boolean rekeyRequired) {
    public Room {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        User.requireName(name);
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch starts at 1");
        }
    }
}
