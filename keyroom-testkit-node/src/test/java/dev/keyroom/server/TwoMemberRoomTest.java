package dev.keyroom.server;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A node per test where Alice (a member) owns an encrypted room {@code ops} and Bob (an agent) is in it. */
public abstract class TwoMemberRoomTest {
    @TempDir
    protected Path dir;

    protected TestNode node;
    protected Identity aliceId;
    protected Identity bobId;
    protected KeyroomClient alice;
    protected KeyroomClient bob;
    protected RoomId room;

    @BeforeEach
    void startNodeWithRoom() throws Exception {
        node = TestNode.start(dir);
        aliceId = node.register("alice", Role.MEMBER);
        bobId = node.register("bob", Role.AGENT);
        alice = node.client(aliceId);
        bob = node.client(bobId);
        room = RoomId.parse(alice.rooms().create("ops").roomId());
        alice.rooms().invite(room, bobId.endpoint(), RoomRole.MEMBER);
    }

    @AfterEach
    void stopNode() {
        node.close();
    }
}
