package dev.keyroom.core.rooms;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A room's metadata and counts: its members, the messages its history keeps, its live secrets
 * (latest version not deleted), and when a message or a secret version was last written.
 */
public record RoomSummary(
        Room room,
        int members,
        long messages,
        Optional<Instant> lastMessageAt,
        int secrets,
        Optional<Instant> lastSecretAt) {
    public RoomSummary {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(lastMessageAt, "lastMessageAt");
        Objects.requireNonNull(lastSecretAt, "lastSecretAt");
        if (members < 0 || messages < 0 || secrets < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }

    /** The last write of a message or a secret, else the room's creation. */
    public Instant lastActivity() {
        Instant last = room.createdAt();
        for (Optional<Instant> t : java.util.List.of(lastMessageAt, lastSecretAt)) {
            if (t.isPresent() && t.get().isAfter(last)) {
                last = t.get();
            }
        }
        return last;
    }
}
