package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.config.ConfigException;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.http.KeyroomHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-1 and REPL-4: a site is a backup only because its config file says so, and a backup refuses
 * every client write, over REST and the data plane, naming its primary, while it serves reads.
 */
class BackupRoleAttackTest {
    static final String BACKUP = "replication: {role: backup, primary_url: \"https://primary.example:8443\"}\n";

    @TempDir
    Path dir;

    @Test
    void REPL_4_aBackupRefusesClientWrites_namesItsPrimary_andServesReads() throws Exception {
        Identity alice;
        RoomId room;
        try (TestNode primary = TestNode.start(dir)) {
            alice = primary.register("alice", Role.MEMBER);
            room = RoomId.parse(primary.client(alice).rooms().create("ops").roomId());
            primary.client(alice).messages().publish(room, "before".getBytes(StandardCharsets.UTF_8));
        }
        try (TestNode backup = TestNode.start(dir, BACKUP)) {
            assertThat(backup.health().posture().role()).isEqualTo("backup");
            var client = backup.client(alice);
            assertThat(client.messages().history(room, 0, 10)).hasSize(1);
            assertThat(client.rooms().mine()).hasSize(1);

            assertThatThrownBy(() -> client.messages().publish(room, "write".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(KeyroomApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_REPLICA);
                    });
            // Refused before anything is read or checked: signed or not, with a body or not.
            RawHttp.Response r = RawHttp.send(
                    backup, "127.0.0.1", "POST", "/v1/rooms", Map.of("Content-Type", "application/json"), new byte[10]);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("\"code\":\"read_only_replica\"");
            assertThat(r.header(KeyroomHandler.PRIMARY_HEADER)).isEqualTo("https://primary.example:8443");
            RawHttp.Response del = RawHttp.signed(
                    backup,
                    "127.0.0.1",
                    alice,
                    "DELETE",
                    "/v1/rooms/" + room.value() + "/members/" + alice.endpoint().value(),
                    null);
            assertThat(del.status()).isEqualTo(503);

            try (BusClient bus = client.connectBus()) {
                bus.ready().get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> bus.publish(room, "over the bus".getBytes(StandardCharsets.UTF_8))
                                .get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(KeyroomApiException.class)
                        .hasMessageContaining("backup");
            }
            assertThat(client.messages().history(room, 0, 10)).hasSize(1);
            // Each refused write is audited, REST and data plane.
            var refused = backup.admin.audit().events(0, 1000).stream()
                    .filter(e -> e.outcome().equals("503 read_only_replica"))
                    .map(e -> e.action() + " " + e.resource())
                    .toList();
            assertThat(refused)
                    .contains("POST /v1/rooms", "PUBLISH /v1/bus")
                    .anySatisfy(line -> assertThat(line).startsWith("DELETE /v1/rooms/"));
        }
    }

    @Test
    void REPL_1_theRoleIsReadFromTheConfigFileOnly_andABackupMustNameAnHttpsPrimary() throws Exception {
        assertThat(ServerConfig.from(dir, ServerConfig.parse("", "t"))
                        .replication()
                        .role())
                .isEqualTo("primary");
        assertRefused("replication: {role: leader}\n", "replication.role must be primary");
        assertRefused("replication: {role: backup}\n", "replication.primary_url");
        assertRefused("replication: {role: backup, primary_url: \"http://p:8443\"}\n", "https://");
        assertRefused("replication: {primary_url: \"https://p:8443\"}\n", "is for a backup");
        // The server command has no flag for it (keyroom-cli RoleCliTest); no environment variable is read.
    }

    private void assertRefused(String yaml, String problem) {
        assertThatThrownBy(() -> ServerConfig.from(dir, ServerConfig.parse(yaml, "t")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(String.join("\n", e.problems())).contains(problem));
    }
}
