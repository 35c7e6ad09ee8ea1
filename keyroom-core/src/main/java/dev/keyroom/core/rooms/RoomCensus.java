package dev.keyroom.core.rooms;

import java.util.List;

/**
 * Every room of the store as an operator sees it (the admin console): metadata and counts only,
 * never a message, blob or secret value (UI-5). A read-only port of its own, beside {@link Rooms},
 * so that no member-facing service can list rooms it is not in (AZ-4). The guarantees and errors of
 * {@code Store} hold.
 */
public interface RoomCensus {
    /** Every room, ordered by creation time then id, with its counts. */
    List<RoomSummary> summaries();
}
