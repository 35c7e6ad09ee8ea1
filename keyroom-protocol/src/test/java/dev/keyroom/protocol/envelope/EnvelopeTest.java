package dev.keyroom.protocol.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void seal_encodeParseOpen_roundTrips() throws Exception {
        try (Identity alice = Identity.generate(RANDOM);
                SecretBytes key = RoomKeys.generate(RANDOM)) {
            RoomId room = RoomId.random(RANDOM);
            Envelope e = MessageCrypto.seal(
                    alice, room, 3, key, "hello".getBytes(StandardCharsets.UTF_8), RANDOM, Clock.system());
            Envelope parsed = Envelope.parse(e.encode());
            assertThat(parsed.room()).isEqualTo(room);
            assertThat(parsed.epoch()).isEqualTo(3);
            assertThat(parsed.sender()).isEqualTo(alice.endpoint());
            assertThat(parsed.payload()).isNotEqualTo("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(MessageCrypto.open(parsed, alice.signPub(), key), StandardCharsets.UTF_8))
                    .isEqualTo("hello");
        }
    }

    @Test
    void anyFlippedBit_isRejected() throws Exception {
        try (Identity alice = Identity.generate(RANDOM);
                SecretBytes key = RoomKeys.generate(RANDOM)) {
            byte[] bytes = MessageCrypto.seal(
                            alice, RoomId.random(RANDOM), 1, key, new byte[40], RANDOM, Clock.system())
                    .encode();
            for (int i = 0; i < bytes.length; i++) {
                byte[] t = bytes.clone();
                t[i] ^= 1;
                try {
                    Envelope e = Envelope.parse(t);
                    assertThatThrownBy(() -> MessageCrypto.open(e, alice.signPub(), key))
                            .as("byte %d", i)
                            .isInstanceOf(KeyroomException.class);
                } catch (Envelope.FormatException refused) {
                    // a flipped length or magic byte is refused by the parser
                }
            }
        }
    }

    @Test
    void wrongKeyOrSender_isRejected() throws Exception {
        try (Identity alice = Identity.generate(RANDOM);
                Identity mallory = Identity.generate(RANDOM);
                SecretBytes key = RoomKeys.generate(RANDOM);
                SecretBytes other = RoomKeys.generate(RANDOM)) {
            Envelope e = MessageCrypto.seal(alice, RoomId.random(RANDOM), 1, key, new byte[8], RANDOM, Clock.system());
            assertThatThrownBy(() -> MessageCrypto.open(e, mallory.signPub(), key))
                    .hasMessageContaining("signature");
            assertThatThrownBy(() -> MessageCrypto.open(e, alice.signPub(), other))
                    .hasMessageContaining("decrypt");
        }
    }

    @Test
    void parse_truncatedOrPadded_isRefused() throws Exception {
        try (Identity alice = Identity.generate(RANDOM)) {
            byte[] ok = MessageCrypto.seal(alice, RoomId.random(RANDOM), 1, null, new byte[8], RANDOM, Clock.system())
                    .encode();
            assertThatThrownBy(() -> Envelope.parse(java.util.Arrays.copyOf(ok, ok.length - 1)))
                    .isInstanceOf(Envelope.FormatException.class);
            assertThatThrownBy(() -> Envelope.parse(java.util.Arrays.copyOf(ok, ok.length + 1)))
                    .isInstanceOf(Envelope.FormatException.class);
            assertThat(Envelope.parse(ok).encrypted()).isFalse();
        }
    }
}
