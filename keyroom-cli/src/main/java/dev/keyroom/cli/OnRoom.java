package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import picocli.CommandLine.Parameters;

/** A client command about one existing room, named by its first parameter: its id, or its name. */
abstract class OnRoom extends ClientCommand {
    @Parameters(index = "0", description = "Room id, or a name unique among your rooms")
    String room;

    private RoomId resolved;

    @Override
    void opened(KeyroomClient c) {
        resolved = RoomNames.resolve(c, room);
    }

    RoomId roomId() {
        return resolved;
    }
}
