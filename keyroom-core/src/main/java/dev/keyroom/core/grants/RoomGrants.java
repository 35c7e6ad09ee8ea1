package dev.keyroom.core.grants;

import dev.keyroom.core.rooms.MemberView;
import dev.keyroom.core.rooms.Room;
import java.util.List;
import java.util.SortedMap;

/**
 * One room as a gateway sees it: the room, its current members named by a live grant (agents and
 * granters, by endpoint), its live grants (by id) and the latest live version of each secret such
 * a grant names (by name; absent when deleted or never written). Everything is in a fixed order, so
 * that the same state always renders to the same bytes.
 */
public record RoomGrants(Room room, List<MemberView> members, List<Grant> grants, SortedMap<String, Long> secrets) {}
