package dev.keyroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.server.TestNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The honest user's path through users and rooms, over TLS with a pinned certificate. */
class RoomFlowTest {
    @TempDir
    Path dir;

    TestNode node;
    Identity ownerId;
    Identity aliceId;
    Identity bobId;
    KeyroomClient owner;
    KeyroomClient alice;
    KeyroomClient bob;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        ownerId = node.register("owner", Role.MEMBER);
        aliceId = node.register("alice", Role.AGENT);
        bobId = node.register("bob", Role.AGENT);
        owner = node.client(ownerId);
        alice = node.client(aliceId);
        bob = node.client(bobId);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void healthz_reportsPosture() throws Exception {
        HealthDtos.Health h = node.health();
        assertThat(h.status()).isEqualTo("ok");
        assertThat(h.posture().auth()).isEqualTo("enforce");
        assertThat(h.posture().tls()).isTrue();
        assertThat(h.posture().store()).isEqualTo("sqlite");
        assertThat(h.posture().role()).isEqualTo("primary");
    }

    @Test
    void me_returnsOwnRecord() {
        assertThat(alice.users().me().endpoint()).isEqualTo(aliceId.endpoint().value());
        assertThat(alice.users().me().role()).isEqualTo("agent");
    }

    @Test
    void createInviteRekey_membersUnsealTheirKeys_removedMemberGetsNothingNew() {
        RoomDtos.Room room = owner.rooms().create("ops");
        RoomId id = RoomId.parse(room.roomId());
        assertThat(room.epoch()).isEqualTo(1);
        owner.rooms().invite(id, aliceId.endpoint(), RoomRole.MEMBER);
        owner.rooms().invite(id, bobId.endpoint(), RoomRole.READER);

        try (SecretBytes k1 = owner.rooms().key(id, Optional.empty());
                SecretBytes a1 = alice.rooms().key(id, Optional.empty());
                SecretBytes b1 = bob.rooms().key(id, Optional.empty())) {
            assertThat(a1).isEqualTo(k1);
            assertThat(b1).isEqualTo(k1);
        }
        assertThat(owner.rooms().members(id))
                .extracting(RoomDtos.Member::role)
                .containsExactly("owner", "member", "reader");

        long epoch = owner.rooms().rekey(id, Set.of(bobId.endpoint()));
        assertThat(epoch).isEqualTo(2);
        try (SecretBytes k2 = owner.rooms().key(id, Optional.empty());
                SecretBytes a2 = alice.rooms().key(id, Optional.empty());
                SecretBytes a1 = alice.rooms().key(id, Optional.of(1L))) {
            assertThat(a2).isEqualTo(k2);
            assertThat(a1).isNotEqualTo(k2);
        }
        assertThatThrownBy(() -> bob.rooms().key(id, Optional.empty()))
                .isInstanceOf(KeyroomApiException.class)
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(404);
        assertThat(bob.rooms().mine()).isEmpty();
        assertThat(alice.rooms().mine()).extracting(RoomDtos.MyRoom::roomId).containsExactly(id.value());
    }

    @Test
    void leave_marksRekeyRequired_untilRekeyed() {
        RoomId id = RoomId.parse(owner.rooms().create("ops").roomId());
        owner.rooms().invite(id, aliceId.endpoint(), RoomRole.MEMBER);
        alice.rooms().leave(id);
        assertThat(owner.rooms().get(id).rekeyRequired()).isTrue();
        assertThatThrownBy(() -> owner.rooms().invite(id, bobId.endpoint(), RoomRole.MEMBER))
                .extracting(e -> ((KeyroomApiException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        owner.rooms().rekey(id, Set.of());
        assertThat(owner.rooms().get(id).rekeyRequired()).isFalse();
        owner.rooms().invite(id, bobId.endpoint(), RoomRole.MEMBER);
        try (SecretBytes k = owner.rooms().key(id, Optional.empty());
                SecretBytes b = bob.rooms().key(id, Optional.empty())) {
            assertThat(b).isEqualTo(k);
        }
    }

    @Test
    void rekey_fromStaleEpoch_conflicts() {
        RoomId id = RoomId.parse(owner.rooms().create("ops").roomId());
        owner.rooms().rekey(id, Set.of());
        KeyroomClient.Response r = owner.exchange(
                "POST",
                "/v1/rooms/" + id.value() + "/rekey",
                "{\"from_epoch\":1,\"remove\":[],\"sealed_keys\":{}}".getBytes());
        assertThat(r.status()).isEqualTo(409);
    }

    @Test
    void revoke_lastAdmin_isRefused() {
        KeyroomClient.Response r = node.admin.exchange(
                "POST", "/v1/users/" + node.adminIdentity.endpoint().value() + "/revoke", new byte[0]);
        assertThat(r.status()).isEqualTo(409);
    }

    @Test
    void registerUser_duplicateKey_conflicts() {
        assertThatThrownBy(() -> node.admin.users().register(aliceId.signPub(), aliceId.kexPub(), "again", Role.AGENT))
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(409);
    }

    @Test
    void unknownFieldInBody_isRefused() {
        KeyroomClient.Response r = owner.exchange(
                "POST", "/v1/rooms", "{\"name\":\"x\",\"policy\":\"encrypted\",\"sealedkey\":\"AA\"}".getBytes());
        assertThat(r.status()).isEqualTo(400);
        KeyroomClient.Response dup = owner.exchange("POST", "/v1/rooms", "{\"name\":\"x\",\"name\":\"y\"}".getBytes());
        assertThat(dup.status()).isEqualTo(400);
    }

    @Test
    void roomAndUserNames_areBounded_andHaveNoControlCharacters() {
        for (String bad : new String[] {"", "x".repeat(129), "ops\nforged line", "bell\u0007"}) {
            assertThatThrownBy(() -> owner.rooms().createCleartext(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(400));
            Identity id = Identity.generate(TestNode.RANDOM);
            assertThatThrownBy(() -> node.admin.users().register(id.signPub(), id.kexPub(), bad, Role.MEMBER))
                    .isInstanceOfSatisfying(
                            KeyroomApiException.class,
                            e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThat(owner.rooms().createCleartext("x".repeat(128)).name()).hasSize(128);
        assertThat(owner.rooms().createCleartext("équipe ☂").name()).isEqualTo("équipe ☂");
    }
}
