package dev.keyroom.core.grants;

import dev.keyroom.core.rooms.RoomId;
import java.util.List;
import java.util.Optional;

/** The gateway grants of each room (GW-2). The guarantees and errors of {@code Store} hold. */
public interface Grants {
    /** Stores a grant; CONFLICT when its room holds a grant of that id already (an id is used once). */
    void put(Grant grant);

    /** The room's grants, expired ones included, ordered by creation time then id. */
    List<Grant> list(RoomId room);

    Optional<Grant> find(RoomId room, String grantId);

    /** Removes a grant; false when the room holds none of that id. */
    boolean delete(RoomId room, String grantId);
}
