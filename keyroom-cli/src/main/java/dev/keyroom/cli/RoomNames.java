package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.RoomDtos;
import java.util.List;
import java.util.stream.Collectors;

/** A room named on the command line: a 32-hex id as is, else a name unique among the caller's rooms. */
final class RoomNames {
    private RoomNames() {}

    static RoomId resolve(KeyroomClient c, String room) {
        if (room.matches("[0-9a-f]{32}")) {
            return RoomId.parse(room);
        }
        List<RoomDtos.MyRoom> named =
                c.rooms().mine().stream().filter(r -> r.name().equals(room)).toList();
        if (named.size() == 1) {
            return RoomId.parse(named.getFirst().roomId());
        }
        if (named.isEmpty()) {
            throw new CliFailure(
                    CliFailure.Code.ROOM_UNKNOWN,
                    "none of your rooms is named '" + room + "'",
                    "'keyroom room list' shows your rooms; give a name from it or a room id");
        }
        throw new CliFailure(
                        CliFailure.Code.ROOM_AMBIGUOUS,
                        named.size() + " of your rooms are named '" + room + "':",
                        "give the room id instead")
                .withDetails(named.stream()
                        .map(r -> r.roomId() + " " + r.name() + " " + r.role() + " epoch " + r.epoch())
                        .collect(Collectors.toList()));
    }
}
