package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.protocol.grant.GrantDraft;
import dev.keyroom.protocol.grant.SignedGrant;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GW-2: a grant is added only by an owner or admin of its room, in its own name, under its own
 * signature, for a member of that room; what is outside that is refused. The gateway's view shows
 * only its own rooms, and follows revocations, removals and new secret versions.
 */
class GrantAttackTest {
    @TempDir
    Path dir;

    TestNode node;
    KeyroomClient alice;
    Identity aliceId;
    Identity botId;
    Identity carolId;
    Identity adminId;
    Identity gatewayId;
    KeyroomClient bot;
    KeyroomClient carol;
    KeyroomClient roomAdmin;
    KeyroomClient gateway;
    KeyroomClient outsider;
    RoomId room;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        aliceId = node.register("alice", Role.MEMBER);
        alice = node.client(aliceId);
        botId = node.register("bot", Role.AGENT);
        carolId = node.register("carol", Role.MEMBER);
        adminId = node.register("dave", Role.MEMBER);
        gatewayId = node.register("gateway", Role.MEMBER);
        bot = node.client(botId);
        carol = node.client(carolId);
        roomAdmin = node.client(adminId);
        gateway = node.client(gatewayId);
        outsider = node.client(node.register("eve", Role.MEMBER));
        room = RoomId.parse(alice.rooms().create("ops").roomId());
        alice.rooms().invite(room, botId.endpoint(), RoomRole.MEMBER);
        alice.rooms().invite(room, carolId.endpoint(), RoomRole.MEMBER);
        alice.rooms().invite(room, adminId.endpoint(), RoomRole.ADMIN);
        alice.rooms().invite(room, gatewayId.endpoint(), RoomRole.READER);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    static GrantDraft draft(KeyroomClient granter, RoomId room, Identity agent) {
        return granter.grants()
                .draft(room, agent.endpoint(), "api/key")
                .upstream("api.example.com")
                .header("Authorization", "Bearer {value}")
                .ratePerMinute(60)
                .budgetPerDay(1000)
                .expiresIn(Duration.ofDays(1));
    }

    static int status(Runnable r) {
        return catchThrowableOfType(KeyroomApiException.class, r::run).status();
    }

    /** Posts a signed grant as {@code caller}, however it was made; returns the status and body. */
    static KeyroomClient.Response post(KeyroomClient caller, RoomId path, byte[] document, byte[] signature) {
        byte[] body = Json.write(new GrantDtos.Grant(Base64Url.encode(document), Base64Url.encode(signature)));
        return caller.exchange("POST", "/v1/rooms/" + path.value() + "/grants", body);
    }

    static String text(KeyroomClient.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPlainMember_andAnAgent_cannotGrant_butARoomAdminCan() {
        assertThat(status(() -> carol.grants().add(draft(carol, room, botId)))).isEqualTo(403);
        assertThat(status(() -> bot.grants().add(draft(bot, room, botId)))).isEqualTo(403);
        assertThat(roomAdmin.grants().add(draft(roomAdmin, room, botId)).granter())
                .isEqualTo(adminId.endpoint().value());
        assertThat(alice.grants().list(room)).hasSize(1);
    }

    @Test
    void aSignatureByAnotherKey_isRefused() {
        GrantDocument doc = draft(alice, room, botId).build(Instant.now(), TestNode.RANDOM);
        byte[] document = SignedGrant.sign(doc, aliceId).document();
        // The same bytes under the same domain, signed by a key that is not the caller's.
        byte[] input =
                ("keyroom-grant-v1\0" + new String(document, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        try (Identity other = Identity.generate(TestNode.RANDOM)) {
            KeyroomClient.Response r = post(alice, room, document, other.sign(input));
            assertThat(r.status()).isEqualTo(400);
            assertThat(text(r)).contains("the signature does not verify with the caller's key");
        }
        assertThat(post(alice, room, document, aliceId.sign(input)).status()).isEqualTo(201);
    }

    @Test
    void aGrantSignedByItsGranter_cannotBePostedByAnotherAdmin() {
        SignedGrant byAlice =
                SignedGrant.sign(draft(alice, room, botId).build(Instant.now(), TestNode.RANDOM), aliceId);
        KeyroomClient.Response r = post(roomAdmin, room, byAlice.document(), byAlice.signature());
        assertThat(r.status()).isEqualTo(403);
        assertThat(text(r)).contains("the granter must be the caller");
        assertThat(alice.grants().list(room)).isEmpty();
    }

    @Test
    void aGrantForANonMember_orForAnotherRoomThanThePath_isRefused() {
        Identity eveId = node.register("mallory", Role.AGENT);
        KeyroomApiException notMember = catchThrowableOfType(
                KeyroomApiException.class, () -> alice.grants().add(draft(alice, room, eveId)));
        assertThat(notMember.status()).isEqualTo(400);
        assertThat(notMember.getMessage()).contains("not a member of the room");

        RoomId other = RoomId.parse(alice.rooms().create("other").roomId());
        SignedGrant forOther =
                SignedGrant.sign(draft(alice, other, botId).build(Instant.now(), TestNode.RANDOM), aliceId);
        KeyroomClient.Response r = post(alice, room, forOther.document(), forOther.signature());
        assertThat(r.status()).isEqualTo(400);
        assertThat(text(r)).contains("another room than the path's");
        assertThat(alice.grants().list(room)).isEmpty();
    }

    @Test
    void anExpiredGrant_isRefused() {
        GrantDocument past = draft(alice, room, botId)
                .expiresAt(Instant.now().minusSeconds(5))
                .build(Instant.now().minusSeconds(3600), TestNode.RANDOM);
        assertThat(status(() -> alice.grants().add(past))).isEqualTo(400);
    }

    @Test
    void aNonMember_cannotListGrants_revokeThem_orSeeTheRoomInTheView() {
        GrantDtos.GrantItem g = alice.grants().add(draft(alice, room, botId));
        assertThat(status(() -> outsider.grants().list(room))).isEqualTo(404);
        assertThat(status(() -> outsider.grants().revoke(room, g.grantId()))).isEqualTo(404);
        assertThat(status(() -> carol.grants().revoke(room, g.grantId()))).isEqualTo(403);
        assertThat(outsider.grants().view(Optional.empty()).rooms()).isEmpty();
        assertThat(gateway.grants().view(Optional.empty()).rooms())
                .extracting(GrantDtos.ViewRoom::roomId)
                .containsExactly(room.value());
        assertThat(carol.grants().list(room)).isEmpty();
        assertThat(alice.grants().list(room)).hasSize(1);
    }

    @Test
    void theView_showsARevokedAgentInactive_andDropsAnAgentRemovedFromTheRoom() {
        alice.grants().add(draft(alice, room, botId));
        alice.grants().add(draft(alice, room, carolId));
        node.admin.users().revoke(botId.endpoint());
        GrantDtos.ViewRoom r = gateway.grants().view(Optional.empty()).rooms().getFirst();
        assertThat(r.members())
                .filteredOn(m -> m.endpoint().equals(botId.endpoint().value()))
                .extracting(GrantDtos.ViewMember::active)
                .containsExactly(false);

        alice.rooms().rekey(room, Set.of(carolId.endpoint()));
        r = gateway.grants().view(Optional.empty()).rooms().getFirst();
        assertThat(r.members())
                .extracting(GrantDtos.ViewMember::endpoint)
                .doesNotContain(carolId.endpoint().value());
        assertThat(r.epoch()).isEqualTo(2);
        assertThat(r.grants()).hasSize(2); // kept as signed; the gateway finds no member to honour
    }

    @Test
    void theView_followsANewSecretVersion_andItsDigest_changesOnlyWithTheState() {
        alice.secrets().put(room, "api/key", "v1".getBytes(StandardCharsets.UTF_8), 0);
        GrantDtos.GrantItem g = alice.grants().add(draft(alice, room, botId));
        GrantDtos.View first = gateway.grants().view(Optional.empty());
        assertThat(first.rooms().getFirst().secrets()).containsEntry("api/key", 1L);

        GrantDtos.View same = gateway.grants().view(Optional.of(first.digest()));
        assertThat(same.unchanged()).isTrue();
        assertThat(same.digest()).isEqualTo(first.digest());
        assertThat(same.rooms()).isEmpty();

        alice.secrets().put(room, "api/key", "v2".getBytes(StandardCharsets.UTF_8), 1);
        GrantDtos.View next = gateway.grants().view(Optional.of(first.digest()));
        assertThat(next.unchanged()).isFalse();
        assertThat(next.rooms().getFirst().secrets()).containsEntry("api/key", 2L);

        alice.grants().revoke(room, g.grantId());
        GrantDtos.View revoked = gateway.grants().view(Optional.of(next.digest()));
        assertThat(revoked.unchanged()).isFalse();
        assertThat(revoked.digest()).isNotEqualTo(next.digest());
        assertThat(revoked.rooms()).isEmpty();
    }
}
