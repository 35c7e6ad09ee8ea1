package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;
import java.util.Objects;

/** One endpoint's membership of a room. */
public record Member(EndpointId endpoint, RoomRole role, Instant joinedAt) {
    public Member {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(joinedAt, "joinedAt");
    }
}
