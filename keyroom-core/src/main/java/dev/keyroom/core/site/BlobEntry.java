package dev.keyroom.core.site;

import dev.keyroom.core.rooms.RoomId;
import java.time.Instant;

/** A blob to send to the backup: its place in the blob feed, its room and address (REPL-2). */
public record BlobEntry(long seq, RoomId room, String sha256, Instant at) {}
