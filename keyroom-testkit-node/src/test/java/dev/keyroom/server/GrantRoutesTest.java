package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.protocol.grant.GrantDraft;
import dev.keyroom.protocol.grant.SignedGrant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GW-2 on the honest path: an owner grants, lists and revokes; the gateway's view follows. */
class GrantRoutesTest {
    @TempDir
    Path dir;

    TestNode node;
    KeyroomClient alice;
    Identity botId;
    Identity gatewayId;
    KeyroomClient bot;
    KeyroomClient gateway;
    RoomId room;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        alice = node.client(node.register("alice", Role.MEMBER));
        botId = node.register("bot", Role.AGENT);
        gatewayId = node.register("gateway", Role.MEMBER);
        bot = node.client(botId);
        gateway = node.client(gatewayId);
        room = RoomId.parse(alice.rooms().create("ops").roomId());
        alice.rooms().invite(room, botId.endpoint(), RoomRole.MEMBER);
        alice.rooms().invite(room, gatewayId.endpoint(), RoomRole.READER);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** A grant by {@code granter} to the bot of the room's {@code stripe/key}. */
    static GrantDraft draft(KeyroomClient granter, RoomId room, Identity agent) {
        return granter.grants()
                .draft(room, agent.endpoint(), "stripe/key")
                .upstream("api.stripe.com")
                .methods(java.util.List.of("GET", "POST"))
                .pathPrefixes(java.util.List.of("/v1/charges"))
                .header("Authorization", "Bearer {value}")
                .ratePerMinute(60)
                .budgetPerDay(1000)
                .expiresIn(Duration.ofDays(30));
    }

    @Test
    void anOwnerGrants_theGrantIsKeptAsSigned_listedByRole_andRevoked() {
        GrantDtos.GrantItem added = alice.grants().add(draft(alice, room, botId));
        assertThat(added.agent()).isEqualTo(botId.endpoint().value());
        assertThat(added.granter()).isEqualTo(alice.endpoint().value());
        assertThat(added.secret()).isEqualTo("stripe/key");

        SignedGrant stored =
                SignedGrant.fromWire(added.grant().document(), added.grant().signature());
        GrantDocument doc = stored.parse();
        assertThat(doc.grantId()).isEqualTo(added.grantId());
        assertThat(doc.allowsMethod("POST")).isTrue();
        assertThat(doc.allowsPath("/v1/charges/ch_1")).isTrue();
        assertThat(stored.signedBy(aliceKey())).isTrue();

        assertThat(alice.grants().list(room))
                .extracting(GrantDtos.GrantItem::grantId)
                .containsExactly(added.grantId());
        assertThat(bot.grants().list(room))
                .extracting(GrantDtos.GrantItem::grantId)
                .containsExactly(added.grantId());
        assertThat(gateway.grants().list(room)).isEmpty(); // names it not as agent

        KeyroomApiException again = catchThrowableOfType(
                KeyroomApiException.class, () -> alice.grants().add(doc));
        assertThat(again.status()).isEqualTo(409);

        alice.grants().revoke(room, added.grantId());
        assertThat(alice.grants().list(room)).isEmpty();
        KeyroomApiException gone = catchThrowableOfType(
                KeyroomApiException.class, () -> alice.grants().revoke(room, added.grantId()));
        assertThat(gone.status()).isEqualTo(404);
    }

    private byte[] aliceKey() {
        return dev.keyroom.core.crypto.Base64Url.decode(alice.users().me().signPub(), "sign_pub");
    }

    @Test
    void addingAndRevoking_areAudited_naming_theRoomAndTheGrant() {
        GrantDtos.GrantItem added = alice.grants().add(draft(alice, room, botId));
        alice.grants().revoke(room, added.grantId());
        String resource = "/v1/rooms/" + room.value() + "/grants/" + added.grantId();
        var entries = node.admin.audit().events(0, 1000);
        assertThat(entries)
                .anySatisfy(e -> {
                    assertThat(e.action()).isEqualTo("POST");
                    assertThat(e.resource()).isEqualTo(resource);
                    assertThat(e.outcome()).isEqualTo("201");
                })
                .anySatisfy(e -> {
                    assertThat(e.action()).isEqualTo("DELETE");
                    assertThat(e.resource()).isEqualTo(resource);
                    assertThat(e.outcome()).isEqualTo("204");
                });
    }

    @Test
    void theView_holdsTheRoom_itsNamedMembers_grants_andSecretVersions() {
        alice.secrets().put(room, "stripe/key", "sk_live_1".getBytes(StandardCharsets.UTF_8), 0);
        alice.secrets().put(room, "unrelated", "x".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(gateway.grants().view(Optional.empty()).rooms()).isEmpty();

        GrantDtos.GrantItem added = alice.grants().add(draft(alice, room, botId));
        GrantDtos.View view = gateway.grants().view(Optional.empty());
        assertThat(view.unchanged()).isFalse();
        assertThat(view.rooms()).hasSize(1);
        GrantDtos.ViewRoom r = view.rooms().getFirst();
        assertThat(r.roomId()).isEqualTo(room.value());
        assertThat(r.policy()).isEqualTo("encrypted");
        assertThat(r.epoch()).isEqualTo(1);
        assertThat(r.grants()).containsExactly(added.grant());
        assertThat(r.secrets()).containsExactly(java.util.Map.entry("stripe/key", 1L));
        assertThat(r.members())
                .extracting(m -> m.endpoint() + " " + m.role() + " " + m.active())
                .containsExactlyInAnyOrder(
                        alice.endpoint().value() + " owner true",
                        botId.endpoint().value() + " member true");
        assertThat(r.members())
                .filteredOn(m -> m.endpoint().equals(alice.endpoint().value()))
                .extracting(GrantDtos.ViewMember::signPub)
                .containsExactly(alice.users().me().signPub());
    }
}
