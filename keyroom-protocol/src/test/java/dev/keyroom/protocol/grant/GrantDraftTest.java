package dev.keyroom.protocol.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A draft fills in the defaults and validates; what is signed is what verifies, byte for byte. */
class GrantDraftTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final Instant NOW = Instant.parse("2026-03-01T10:15:30.250Z");

    @Test
    void aDraft_getsAFreshId_theDefaults_andValidates() {
        try (Identity granter = Identity.generate(RANDOM);
                Identity agent = Identity.generate(RANDOM)) {
            RoomId room = RoomId.random(RANDOM);
            GrantDraft draft = GrantDraft.of(room, agent.endpoint(), granter.endpoint(), "stripe/key")
                    .upstream("api.stripe.com")
                    .header("Authorization", "Bearer {value}")
                    .ratePerMinute(60)
                    .budgetPerDay(1000)
                    .expiresIn(Duration.ofDays(30));
            GrantDocument a = draft.build(NOW, RANDOM);
            GrantDocument b = draft.build(NOW, RANDOM);
            assertThat(a.grantId()).matches("[0-9a-f]{32}").isNotEqualTo(b.grantId());
            assertThat(a.v()).isEqualTo(1);
            assertThat(a.methods()).containsExactly("GET");
            assertThat(a.pathPrefixes()).containsExactly("/");
            assertThat(a.upstream().port()).isEqualTo(443);
            assertThat(a.created()).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
            assertThat(a.expires()).isEqualTo(a.created().plus(Duration.ofDays(30)));
            assertThat(a.roomId()).isEqualTo(room);

            assertThatThrownBy(() -> GrantDraft.of(room, agent.endpoint(), granter.endpoint(), "k")
                            .upstream("api.example.com")
                            .basic("u:{value}")
                            .ratePerMinute(1)
                            .budgetPerDay(1)
                            .build(NOW, RANDOM))
                    .isInstanceOf(KeyroomException.class)
                    .hasMessageContaining("expires_at");
        }
    }

    @Test
    void aSignedGrant_verifiesWithItsGranterOnly_andAnyChangedByteBreaksIt() {
        try (Identity granter = Identity.generate(RANDOM);
                Identity other = Identity.generate(RANDOM)) {
            GrantDocument doc = GrantDraft.of(RoomId.random(RANDOM), other.endpoint(), granter.endpoint(), "k")
                    .upstream("api.example.com", 8443)
                    .query("api_key", "{value}")
                    .ratePerMinute(10)
                    .budgetPerDay(100)
                    .expiresIn(Duration.ofHours(12))
                    .build(NOW, RANDOM);
            SignedGrant signed = SignedGrant.sign(doc, granter);
            SignedGrant back = SignedGrant.fromWire(signed.documentText(), signed.signatureText());
            assertThat(back).isEqualTo(signed);
            assertThat(back.signedBy(granter.signPub())).isTrue();
            assertThat(back.signedBy(other.signPub())).isFalse();
            assertThat(back.parse()).isEqualTo(doc);
            byte[] changed = signed.document();
            changed[changed.length - 2] ^= 1;
            assertThat(new SignedGrant(changed, signed.signature()).signedBy(granter.signPub()))
                    .isFalse();
        }
    }

    @Test
    void aNullMethod_isABadRequest_notACrash() {
        String json = new String(Json.write(GrantDraft.of(
                                RoomId.random(RANDOM),
                                Identity.generate(RANDOM).endpoint(),
                                Identity.generate(RANDOM).endpoint(),
                                "k")
                        .upstream("api.example.com")
                        .basic("u:{value}")
                        .ratePerMinute(1)
                        .budgetPerDay(1)
                        .expiresIn(Duration.ofDays(1))
                        .build(NOW, RANDOM)))
                .replace("\"methods\":[\"GET\"]", "\"methods\":[null]");
        assertThat(json).contains("[null]");
        assertThatThrownBy(() -> GrantDocument.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeyroomException.class)
                .hasMessageContaining("methods");
    }
}
