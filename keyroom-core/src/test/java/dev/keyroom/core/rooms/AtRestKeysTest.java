package dev.keyroom.core.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** SEC-2: sealed room keys wrapped at rest open only for their own room, epoch and member. */
class AtRestKeysTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final RoomId room = RoomId.random(RANDOM);
    final EndpointId alice = new EndpointId("a".repeat(32));
    final EndpointId bob = new EndpointId("b".repeat(32));
    final byte[] sealed = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void aWrappedKey_opensForItsOwnRow_only() {
        try (Keyring k = Keyring.generate(RANDOM)) {
            byte[] stored = AtRestKeys.wrap(k, room, 1, alice, sealed, RANDOM);
            assertThat(AtRestKeys.keyIdOf(stored)).hasValue(1);
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(AtRestKeys.unwrap(k, room, 1, alice, stored)).isEqualTo(sealed);
            for (Runnable moved : new Runnable[] {
                () -> AtRestKeys.unwrap(k, room, 1, bob, stored),
                () -> AtRestKeys.unwrap(k, room, 2, alice, stored),
                () -> AtRestKeys.unwrap(k, RoomId.random(RANDOM), 1, alice, stored)
            }) {
                assertThatThrownBy(moved::run)
                        .isInstanceOfSatisfying(
                                KeyroomException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
            }
        }
    }

    @Test
    void aKeyStoredBeforeWrapping_isServedAsItIs_andAfterRotationOldWrapsStillOpen() {
        try (Keyring k = Keyring.generate(RANDOM);
                Keyring rotated = k.rotated(RANDOM)) {
            assertThat(AtRestKeys.keyIdOf(sealed)).isEmpty();
            assertThat(AtRestKeys.unwrap(k, room, 1, alice, sealed)).isEqualTo(sealed);
            byte[] old = AtRestKeys.wrap(k, room, 1, alice, sealed, RANDOM);
            assertThat(AtRestKeys.unwrap(rotated, room, 1, alice, old)).isEqualTo(sealed);
            assertThat(AtRestKeys.keyIdOf(AtRestKeys.wrap(rotated, room, 1, alice, sealed, RANDOM)))
                    .hasValue(2);
        }
    }
}
