package dev.keyroom.cli;

import dev.keyroom.core.rooms.RoomId;
import picocli.CommandLine.Parameters;

/** A client command about one existing room, named by its first parameter. */
abstract class OnRoom extends ClientCommand {
    @Parameters(index = "0", description = "Room id")
    String room;

    RoomId roomId() {
        return RoomId.parse(room);
    }
}
