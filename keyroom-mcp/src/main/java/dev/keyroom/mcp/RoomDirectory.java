package dev.keyroom.mcp;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.protocol.dto.RoomDtos;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Finds one of the agent's rooms by what a model calls it: its id, its exact name, or its name in
 * any case when only one room has it. Only rooms the agent is a member of are found, so a room it
 * is not in reads as unknown, as the server answers too.
 */
final class RoomDirectory {
    private RoomDirectory() {}

    static RoomDtos.MyRoom find(KeyroomClient c, String room) {
        List<RoomDtos.MyRoom> mine = c.rooms().mine();
        if (EndpointId.isWellFormed(room)) {
            for (RoomDtos.MyRoom r : mine) {
                if (r.roomId().equals(room)) {
                    return r;
                }
            }
        }
        List<RoomDtos.MyRoom> named =
                mine.stream().filter(r -> r.name().equals(room)).toList();
        if (named.isEmpty()) {
            named = mine.stream()
                    .filter(r -> r.name().toLowerCase(Locale.ROOT).equals(room.toLowerCase(Locale.ROOT)))
                    .toList();
        }
        if (named.size() == 1) {
            return named.getFirst();
        }
        if (named.isEmpty()) {
            throw new ToolFailure("no room '" + room + "' among this agent's rooms; call list_rooms to see them");
        }
        throw new ToolFailure("several of this agent's rooms are named '" + room + "'; give one of their ids: "
                + named.stream().map(RoomDtos.MyRoom::roomId).collect(Collectors.joining(", ")));
    }
}
