package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on authorization: members, keys, ownership, discovery, admin-only operations. */
class AuthorizationAttackTest {
    @TempDir
    Path dir;

    TestNode node;
    Identity ownerId;
    Identity memberId;
    Identity outsiderId;
    KeyroomClient owner;
    KeyroomClient member;
    KeyroomClient outsider;
    RoomId room;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        ownerId = node.register("owner", Role.MEMBER);
        memberId = node.register("member", Role.AGENT);
        outsiderId = node.register("outsider", Role.MEMBER);
        owner = node.client(ownerId);
        member = node.client(memberId);
        outsider = node.client(outsiderId);
        room = RoomId.parse(owner.rooms().create("secret-ops").roomId());
        owner.rooms().invite(room, memberId.endpoint(), RoomRole.MEMBER);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    static String strip(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replaceAll("\"request_id\":\"[^\"]*\"", "");
    }

    @Test
    void nonMember_getsTheSame404AsForAMissingRoom() {
        // AZ-1: every room resource needs membership; a non-member cannot tell the room exists.
        RoomId missing = RoomId.random(TestNode.RANDOM);
        for (String suffix : new String[] {"", "/members", "/key", "/key?epoch=1"}) {
            KeyroomClient.Response real = outsider.exchange("GET", "/v1/rooms/" + room.value() + suffix, null);
            KeyroomClient.Response none = outsider.exchange("GET", "/v1/rooms/" + missing.value() + suffix, null);
            assertThat(real.status()).as(suffix).isEqualTo(404);
            assertThat(none.status()).as(suffix).isEqualTo(404);
            assertThat(strip(real.body())).as(suffix).isEqualTo(strip(none.body()));
        }
        KeyroomClient.Response rekey =
                outsider.exchange("POST", "/v1/rooms/" + room.value() + "/rekey", "{\"from_epoch\":1}".getBytes());
        assertThat(rekey.status()).isEqualTo(404);
        KeyroomClient.Response join = outsider.exchange(
                "POST",
                "/v1/rooms/" + room.value() + "/members",
                ("{\"endpoint\":\"" + outsiderId.endpoint().value() + "\",\"role\":\"admin\",\"sealed_key\":\"AAAA\"}")
                        .getBytes());
        assertThat(join.status()).isEqualTo(404);
        assertThat(owner.rooms().members(room)).hasSize(2);
    }

    @Test
    void sealedKey_isServedOnlyToItsOwnEndpoint() throws Exception {
        // AZ-2: the key endpoint answers with the caller's own sealed key, which only it can open.
        RoomDtos.SealedKey mine = Json.mapper()
                .readValue(
                        member.exchange("GET", "/v1/rooms/" + room.value() + "/key", null)
                                .body(),
                        RoomDtos.SealedKey.class);
        RoomDtos.SealedKey owners = Json.mapper()
                .readValue(
                        owner.exchange("GET", "/v1/rooms/" + room.value() + "/key", null)
                                .body(),
                        RoomDtos.SealedKey.class);
        assertThat(mine.sealedKey()).isNotEqualTo(owners.sealedKey());
        // The member cannot open the owner's sealed key even if it obtained it.
        assertThatThrownBy(() -> RoomKeys.unseal(
                        memberId.kexPrivate(), memberId.kexPub(), room, 1, Base64Url.decode(owners.sealedKey(), "k")))
                .isInstanceOf(dev.keyroom.core.error.KeyroomException.class);
        // Nor can a key sealed for this room be passed off as another room's or epoch's.
        assertThatThrownBy(() -> RoomKeys.unseal(
                        memberId.kexPrivate(), memberId.kexPub(), room, 2, Base64Url.decode(mine.sealedKey(), "k")))
                .isInstanceOf(dev.keyroom.core.error.KeyroomException.class);
    }

    @Test
    void declaredOwnerOtherThanSigner_isRefused() {
        // AZ-3: a room cannot be created in another user's name.
        KeyroomClient.Response r = outsider.exchange(
                "POST",
                "/v1/rooms",
                ("{\"name\":\"spoof\",\"policy\":\"encrypted\",\"owner\":\""
                                + ownerId.endpoint().value() + "\",\"sealed_key\":\"AAAA\"}")
                        .getBytes());
        assertThat(r.status()).isEqualTo(403);
        assertThat(owner.rooms().mine()).hasSize(1);
    }

    @Test
    void roomDiscovery_listsOnlyOwnRooms() {
        // AZ-4: /v1/me/rooms shows only the caller's rooms.
        outsider.rooms().create("private");
        assertThat(outsider.rooms().mine()).extracting(RoomDtos.MyRoom::name).containsExactly("private");
        assertThat(member.rooms().mine()).extracting(RoomDtos.MyRoom::name).containsExactly("secret-ops");
    }

    @Test
    void userManagement_isAdminOnly() {
        // AZ-5: user management is for admins; everything else is denied.
        assertThat(outsider.exchange("GET", "/v1/users", null).status()).isEqualTo(403);
        Identity fresh = Identity.generate(TestNode.RANDOM);
        KeyroomClient.Response add = outsider.exchange(
                "POST",
                "/v1/users",
                ("{\"sign_pub\":\"" + Base64Url.encode(fresh.signPub()) + "\",\"kex_pub\":\""
                                + Base64Url.encode(fresh.kexPub()) + "\",\"name\":\"evil\",\"role\":\"admin\"}")
                        .getBytes());
        assertThat(add.status()).isEqualTo(403);
        assertThat(outsider.exchange("POST", "/v1/users/" + memberId.endpoint().value() + "/revoke", new byte[0])
                        .status())
                .isEqualTo(403);
        assertThat(member.users().me().status()).isEqualTo("active");
        assertThat(node.admin.users().list()).hasSize(4);
    }

    @Test
    void agent_cannotCreateRooms_norManageMembers() {
        assertThatThrownBy(() -> member.rooms().create("mine"))
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(403);
        assertThatThrownBy(() -> member.rooms().invite(room, outsiderId.endpoint(), RoomRole.MEMBER))
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(403);
        assertThatThrownBy(() -> member.rooms().rekey(room, Set.of(ownerId.endpoint())))
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(403);
    }

    @Test
    void memberCannotRemoveOthersByLeave() {
        KeyroomClient.Response r = member.exchange(
                "DELETE",
                "/v1/rooms/" + room.value() + "/members/" + ownerId.endpoint().value(),
                null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(owner.rooms().members(room)).hasSize(2);
    }

    @Test
    void removedMember_neverGetsTheNextEpochKey() {
        // AZ-7: a rekey that tries to seal the next key for the removed member is refused whole,
        // and after the rekey the removed member has no access to any key.
        KeyroomClient.Response sneaky = owner.exchange(
                "POST",
                "/v1/rooms/" + room.value() + "/rekey",
                ("{\"from_epoch\":1,\"remove\":[\"" + memberId.endpoint().value() + "\"],\"sealed_keys\":{\""
                                + ownerId.endpoint().value() + "\":\"AAAA\",\""
                                + memberId.endpoint().value()
                                + "\":\"AAAA\"}}")
                        .getBytes());
        assertThat(sneaky.status()).isEqualTo(409);
        assertThat(owner.rooms().get(room).epoch()).isEqualTo(1);

        owner.rooms().rekey(room, Set.of(memberId.endpoint()));
        assertThat(owner.rooms().get(room).epoch()).isEqualTo(2);
        assertThat(member.exchange("GET", "/v1/rooms/" + room.value() + "/key?epoch=2", null)
                        .status())
                .isEqualTo(404);
        assertThat(member.exchange("GET", "/v1/rooms/" + room.value() + "/key?epoch=1", null)
                        .status())
                .isEqualTo(404);
        assertThat(member.rooms().mine()).isEmpty();
    }

    @Test
    void rekeyMissingARemainingMember_isRefused() {
        // AZ-7: the sealed keys must cover exactly the members who remain.
        KeyroomClient.Response r = owner.exchange(
                "POST",
                "/v1/rooms/" + room.value() + "/rekey",
                ("{\"from_epoch\":1,\"remove\":[],\"sealed_keys\":{\""
                                + ownerId.endpoint().value() + "\":\"AAAA\"}}")
                        .getBytes());
        assertThat(r.status()).isEqualTo(409);
        assertThat(owner.rooms().get(room).epoch()).isEqualTo(1);
    }

    @Test
    void ownerCannotBeRemoved() {
        Identity adminId = node.register("roomadmin", Role.MEMBER);
        owner.rooms().invite(room, adminId.endpoint(), RoomRole.ADMIN);
        KeyroomClient roomAdmin = node.client(adminId);
        assertThatThrownBy(() -> roomAdmin.rooms().rekey(room, Set.of(ownerId.endpoint())))
                .extracting(e -> ((KeyroomApiException) e).status())
                .isEqualTo(403);
        assertThat(roomAdmin.rooms().key(room, Optional.empty()).length()).isEqualTo(32);
    }
}
