package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.SitePair;
import dev.keyroom.server.TestNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTH-3 across a restart: the bytes of a signed secret write, captured and replayed after the node
 * stopped and started again, or after a backup took over, are refused, and nothing is written.
 */
class ReplayAfterRestartAttackTest {
    @TempDir
    Path dir;

    /** A captured request: exactly what went over the wire. */
    record Captured(String method, String path, String host, Map<String, String> headers, byte[] body) {
        RawHttp.Response sendTo(TestNode node) throws Exception {
            return RawHttp.send(node, "127.0.0.1", host, method, path, headers, body);
        }
    }

    static Captured secretWrite(Identity id, String host, RoomId room, String name, String value) {
        String path = "/v1/rooms/" + room.value() + "/secrets/" + name;
        byte[] body = ("{\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = new LinkedHashMap<>(new RequestSigner(id, Clock.system(), TestNode.RANDOM)
                .sign("PUT", URI.create("https://" + host + path), body));
        h.put("Content-Type", "application/json");
        return new Captured("PUT", path, host, h, body);
    }

    static long version(TestNode node, Identity id, RoomId room, String name) throws Exception {
        RawHttp.Response r =
                RawHttp.signed(node, "127.0.0.1", id, "GET", "/v1/rooms/" + room.value() + "/secrets/" + name, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return dev.keyroom.protocol.Json.mapper()
                .readTree(r.body())
                .get("version")
                .asLong();
    }

    @Test
    void aSignedWriteReplayedAfterAStopAndStart_isRefused_andTheVersionIsUnchanged() throws Exception {
        // AUTH-3: the nonce store of a single node outlives a restart.
        TestNode node = TestNode.start(dir);
        Identity alice;
        RoomId room;
        Captured write;
        try {
            alice = node.register("alice", Role.MEMBER);
            room = RoomId.parse(node.client(alice).rooms().create("ops").roomId());
            write = secretWrite(alice, node.uri().getRawAuthority(), room, "api-key", "djE");
            RawHttp.Response first = write.sendTo(node);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).contains("\"version\":1");
        } finally {
            node.close();
        }
        // The same port again, so that the captured @authority is this node's once more.
        String listen = "listen: \"" + write.host() + "\"\n";
        try (TestNode again = TestNode.start(dir, listen)) {
            RawHttp.Response replay = write.sendTo(again);
            assertThat(replay.status()).as(replay.body()).isEqualTo(401);
            assertThat(replay.body()).contains("replayed nonce");
            assertThat(version(again, alice, room, "api-key")).isEqualTo(1);
            // An honest client signing now is served at once after a clean restart.
            assertThat(RawHttp.signed(again, "127.0.0.1", alice, "GET", "/v1/me", null)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aWriteAcceptedByThePrimary_replayedToThePromotedBackup_isRefused() throws Exception {
        // AUTH-3, REPL-7: both sites answer to one public name, as after a DNS fail-over; the backup
        // never saw the primary's nonces, so after its promotion it refuses whatever was signed
        // before, and an honest client signs again past the promotion at once.
        String name = "keyroom.test";
        try (SitePair sites = SitePair.start(
                dir,
                (primaryPort, backupPort) -> "public_authorities: [\"" + name + "\", \"127.0.0.1:" + primaryPort
                        + "\", \"127.0.0.1:" + backupPort + "\"]\n")) {
            Identity alice = sites.primary.register("alice", Role.MEMBER);
            RoomId room = RoomId.parse(
                    sites.primary.client(alice).rooms().createCleartext("ops").roomId());
            Captured write = secretWrite(alice, name, room, "api-key", "djE");
            RawHttp.Response first = write.sendTo(sites.primary);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> sites.backup.client(alice).rooms().mine().size() == 1
                            && readVersion(sites.backup, name, alice, room) == 1);
            sites.primary.close();
            sites.backup.admin.site().promote(1);

            RawHttp.Response replay = write.sendTo(sites.backup);
            assertThat(replay.status()).as(replay.body()).isEqualTo(401);
            assertThat(replay.body()).contains("signed before");
            assertThat(replay.header("Keyroom-Not-Before")).isNotNull();
            // A client whose first request after the promotion carries a large body reads the
            // refusal (it asks before sending the body), signs again and is answered.
            byte[] big = ("{\"name\":\"" + "x".repeat(900_000) + "\",\"policy\":\"cleartext\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(sites.backup
                            .client(alice)
                            .exchange("POST", "/v1/rooms", big)
                            .status())
                    .as("past authentication: the name is refused, not the signature")
                    .isEqualTo(400);
            // The SDK signs again past the promotion at once, and finds the version unchanged.
            try (var v = sites.backup.client(alice).secrets().get(room, "api-key", java.util.Optional.empty())) {
                assertThat(v.version()).isEqualTo(1);
            }
        }
    }

    /** The secret's version, read with a request signed for {@code host}. */
    static long readVersion(TestNode node, String host, Identity id, RoomId room) throws Exception {
        String path = "/v1/rooms/" + room.value() + "/secrets/api-key";
        Map<String, String> h = new RequestSigner(id, Clock.system(), TestNode.RANDOM)
                .sign("GET", URI.create("https://" + host + path), null);
        RawHttp.Response r = RawHttp.send(node, "127.0.0.1", host, "GET", path, h, null);
        if (r.status() != 200) {
            return -r.status();
        }
        return dev.keyroom.protocol.Json.mapper()
                .readTree(r.body())
                .get("version")
                .asLong();
    }
}
