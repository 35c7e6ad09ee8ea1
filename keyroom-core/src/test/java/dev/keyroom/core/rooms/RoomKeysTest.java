package dev.keyroom.core.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class RoomKeysTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void seal_thenUnseal_byTheRecipient_returnsTheKey() {
        try (Identity alice = Identity.generate(RANDOM);
                SecretBytes key = RoomKeys.generate(RANDOM)) {
            RoomId room = RoomId.random(RANDOM);
            byte[] sealed = RoomKeys.seal(alice.kexPub(), room, 3, key);
            try (SecretBytes opened = RoomKeys.unseal(alice.kexPrivate(), alice.kexPub(), room, 3, sealed)) {
                assertThat(opened).isEqualTo(key);
            }
        }
    }

    @Test
    void unseal_otherRoomEpochRecipientOrTampered_fails() {
        try (Identity alice = Identity.generate(RANDOM);
                Identity eve = Identity.generate(RANDOM);
                SecretBytes key = RoomKeys.generate(RANDOM)) {
            RoomId room = RoomId.random(RANDOM);
            byte[] sealed = RoomKeys.seal(alice.kexPub(), room, 1, key);
            assertThatThrownBy(
                            () -> RoomKeys.unseal(alice.kexPrivate(), alice.kexPub(), RoomId.random(RANDOM), 1, sealed))
                    .isInstanceOf(KeyroomException.class);
            assertThatThrownBy(() -> RoomKeys.unseal(alice.kexPrivate(), alice.kexPub(), room, 2, sealed))
                    .isInstanceOf(KeyroomException.class);
            assertThatThrownBy(() -> RoomKeys.unseal(eve.kexPrivate(), eve.kexPub(), room, 1, sealed))
                    .isInstanceOf(KeyroomException.class);
            for (int i = 0; i < sealed.length; i++) {
                byte[] t = sealed.clone();
                t[i] ^= 1;
                assertThatThrownBy(() -> RoomKeys.unseal(alice.kexPrivate(), alice.kexPub(), room, 1, t))
                        .isInstanceOf(KeyroomException.class);
            }
        }
    }
}
