package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AZ-8: cleartext rooms only on a loopback-only server, or with the explicit allow flag. */
class CleartextRoomAttackTest {
    @TempDir
    Path dir;

    @Test
    void cleartextRoom_onPublicBind_isRefused() throws Exception {
        // AZ-8: a server listening on all interfaces refuses cleartext rooms.
        try (TestNode node = TestNode.start(dir, "listen: 0.0.0.0:0")) {
            Identity id = node.register("owner", Role.MEMBER);
            KeyroomClient c = node.client(id);
            assertThatThrownBy(() -> c.rooms().createCleartext("open"))
                    .extracting(e -> ((KeyroomApiException) e).status())
                    .isEqualTo(403);
            assertThat(c.rooms().mine()).isEmpty();
            assertThat(node.health().posture().requireEncryptedRooms()).isTrue();
        }
    }

    @Test
    void cleartextRoom_onPublicBindWithAllowFlag_isCreated() throws Exception {
        try (TestNode node = TestNode.start(dir, "listen: 0.0.0.0:0\nallow_cleartext_rooms: true")) {
            Identity id = node.register("owner", Role.MEMBER);
            assertThat(node.client(id).rooms().createCleartext("open").policy()).isEqualTo("cleartext");
        }
    }

    @Test
    void cleartextRoom_onLoopback_isCreated() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            Identity id = node.register("owner", Role.MEMBER);
            assertThat(node.client(id).rooms().createCleartext("open").epoch()).isEqualTo(1);
        }
    }
}
