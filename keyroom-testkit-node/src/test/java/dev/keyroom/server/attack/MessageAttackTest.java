package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.protocol.envelope.MessageCrypto;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.TwoMemberRoomTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attacks on messages and blobs: stale epochs, forged or replayed envelopes, outsiders, readers. */
class MessageAttackTest extends TwoMemberRoomTest {
    Identity outsiderId;
    KeyroomClient outsider;

    @BeforeEach
    void addOutsider() {
        outsiderId = node.register("outsider", Role.MEMBER);
        outsider = node.client(outsiderId);
    }

    KeyroomClient.Response post(KeyroomClient c, Envelope e) {
        return c.exchange(
                "POST",
                "/v1/rooms/" + room.value() + "/messages",
                ("{\"envelope\":\"" + Base64Url.encode(e.encode()) + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void staleEpochPublish_isRefused() {
        // AZ-7: after a rekey, an envelope sealed for the old epoch is refused, even from a member.
        Envelope old;
        try (SecretBytes k1 = bob.rooms().key(room, Optional.empty())) {
            old = MessageCrypto.seal(bobId, room, 1, k1, "late".getBytes(), TestNode.RANDOM, Clock.system());
        }
        alice.rooms().rekey(room, Set.of());
        assertThat(post(bob, old).status()).isEqualTo(409);
        assertThat(bob.messages().history(room, 0, 10)).isEmpty();
    }

    @Test
    void removedMember_cannotPublishOrReadAnythingNewer() {
        // AZ-7: after removal and rekey, the removed member can neither publish nor read.
        alice.rooms().rekey(room, Set.of(bobId.endpoint()));
        alice.messages().publish(room, "secret plan".getBytes());
        assertThatThrownBy(() -> bob.messages().publish(room, "still here?".getBytes()))
                .isInstanceOfSatisfying(
                        KeyroomApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(bob.exchange("GET", "/v1/rooms/" + room.value() + "/messages", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void envelopeSignedByAnother_orForAnotherSender_isRefused() throws Exception {
        try (SecretBytes k = alice.rooms().key(room, Optional.empty())) {
            // Bob posts an envelope that claims to be from Alice: signature is Bob's.
            Envelope mine = MessageCrypto.seal(bobId, room, 1, k, "x".getBytes(), TestNode.RANDOM, Clock.system());
            byte[] forged = mine.encode();
            byte[] aliceId16 =
                    java.util.HexFormat.of().parseHex(aliceId.endpoint().value());
            System.arraycopy(aliceId16, 0, forged, 4 + 1 + 16 + 8, 16);
            assertThat(post(bob, Envelope.parse(forged)).status()).isEqualTo(400);
            // Alice's genuine envelope posted by Bob: the sender is not the caller.
            Envelope hers = MessageCrypto.seal(aliceId, room, 1, k, "y".getBytes(), TestNode.RANDOM, Clock.system());
            assertThat(post(bob, hers).status()).isEqualTo(400);
        }
        assertThat(alice.messages().history(room, 0, 10)).isEmpty();
    }

    @Test
    void replayedEnvelope_isRefusedByTheServer() {
        Envelope e;
        try (SecretBytes k = alice.rooms().key(room, Optional.empty())) {
            e = MessageCrypto.seal(aliceId, room, 1, k, "once".getBytes(), TestNode.RANDOM, Clock.system());
        }
        assertThat(post(alice, e).status()).isEqualTo(201);
        assertThat(post(alice, e).status()).isEqualTo(409);
        assertThat(bob.messages().history(room, 0, 10)).hasSize(1);
    }

    @Test
    void tamperedStoredEnvelope_isRejectedByTheSdk() throws Exception {
        // A server (or a thief of its database) that alters a stored message cannot make a member accept it.
        alice.messages().publish(room, "pay 10 to bob".getBytes());
        node.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("keyroom.db"));
                java.sql.Statement st = c.createStatement()) {
            // One byte changed, whatever it was: setting it to FF changed nothing when it already was (1 in 256).
            st.executeUpdate("UPDATE messages SET envelope = substr(envelope, 1, 90)"
                    + " || CASE WHEN substr(envelope, 91, 1) = X'FF' THEN X'FE' ELSE X'FF' END"
                    + " || substr(envelope, 92)");
            st.executeUpdate("INSERT INTO messages (room_id, seq, message_id, sender, epoch, envelope, received_at)"
                    + " SELECT room_id, seq + 1, 'copy', sender, epoch, envelope, received_at FROM messages");
        }
        node = TestNode.start(dir);
        KeyroomClient reader = node.client(bobId);
        assertThat(reader.messages().history(room, 0, 10))
                .allSatisfy(d -> assertThat(d).isInstanceOf(Delivery.Rejected.class));
    }

    @Test
    void replayedByTheServerUnderANewSequence_isRejectedByTheSdk() throws Exception {
        alice.messages().publish(room, "approve".getBytes());
        node.close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("keyroom.db"));
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO messages (room_id, seq, message_id, sender, epoch, envelope, received_at)"
                    + " SELECT room_id, seq + 1, 'dup', sender, epoch, envelope, received_at FROM messages");
        }
        node = TestNode.start(dir);
        var seen = node.client(bobId).messages().history(room, 0, 10);
        assertThat(seen.get(0)).isInstanceOf(Delivery.Accepted.class);
        assertThat(seen.get(1))
                .isInstanceOfSatisfying(
                        Delivery.Rejected.class, r -> assertThat(r.reason()).contains("replayed"));
    }

    @Test
    void outsiders_getTheSame404ForMessagesAndBlobs_andReadersCannotWrite() throws Exception {
        // AZ-1: messages and blobs need membership, and look absent to outsiders.
        assertThat(outsider.exchange("GET", "/v1/rooms/" + room.value() + "/messages", null)
                        .status())
                .isEqualTo(404);
        assertThat(outsider.exchange("GET", "/v1/rooms/" + room.value() + "/blobs/" + "a".repeat(64), null)
                        .status())
                .isEqualTo(404);
        Identity readerId = node.register("reader", Role.AGENT);
        alice.rooms().invite(room, readerId.endpoint(), RoomRole.READER);
        KeyroomClient reader = node.client(readerId);
        assertThatThrownBy(() -> reader.messages().publish(room, "hi".getBytes()))
                .isInstanceOfSatisfying(
                        KeyroomApiException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> reader.blobs().put(room, new java.io.ByteArrayInputStream("f".getBytes())))
                .isInstanceOfSatisfying(
                        KeyroomApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void blobWhoseBytesDoNotHashToItsAddress_isRefusedAndLeavesNothing() throws Exception {
        // DOS-5 / blobs: a mismatch is refused and nothing is stored or left behind.
        byte[] body = "not what the address says".getBytes();
        String wrong = "c".repeat(64);
        var r = dev.keyroom.server.RawHttp.signed(
                node, "127.0.0.2", aliceId, "PUT", "/v1/rooms/" + room.value() + "/blobs/" + wrong, body);
        assertThat(r.status()).isEqualTo(400);
        try (var blobs = Files.walk(dir.resolve("blobs"))) {
            assertThat(blobs.filter(Files::isRegularFile)).isEmpty();
        }
        try (var spool = Files.list(dir.resolve("tmp"))) {
            assertThat(spool).isEmpty();
        }
    }
}
