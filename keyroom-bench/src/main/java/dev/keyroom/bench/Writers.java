package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.TestNode;
import java.util.ArrayList;
import java.util.List;

/** The replication loads' writers: eight clients of one member, {@code alice}, in a room of hers on the primary. */
record Writers(RoomId room, List<KeyroomClient> clients) {
    static final int COUNT = 8;

    static Writers of(TestNode primary) {
        Identity alice = primary.register("alice", Role.MEMBER);
        RoomId room = RoomId.parse(primary.client(alice).rooms().create("load").roomId());
        List<KeyroomClient> clients = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            clients.add(primary.client(alice));
        }
        return new Writers(room, clients);
    }
}
