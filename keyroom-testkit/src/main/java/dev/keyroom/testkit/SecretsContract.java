package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.vault.SecretWrite;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.vault.Secrets} must do: compare-and-set versions, kept versions, tombstones. */
public abstract class SecretsContract extends StoreContract {
    @Test
    void secrets_compareAndSet_keepTheLastVersions_andTombstone() throws Exception {
        Room room = newRoom();
        SecretWrite db = new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3);
        assertThat(put(db, Optional.of(0L))).isEqualTo(1);
        assertCode(() -> put(db, Optional.of(0L)), ErrorCode.CONFLICT);
        for (long v = 2; v <= 5; v++) {
            assertThat(put(db, Optional.empty())).isEqualTo(v);
        }
        store = reopen(store);
        assertThat(store.secrets().find(room.id(), "db", Optional.of(2L))).isEmpty();
        var latest = store.secrets().find(room.id(), "db", Optional.empty()).orElseThrow();
        assertThat(latest.version()).isEqualTo(5);
        assertThat(latest.sealed().orElseThrow().ciphertext()).containsExactly(5);
        assertThat(store.secrets().list(room.id()))
                .extracting(dev.keyroom.core.vault.SecretInfo::name)
                .containsExactly("db");

        assertThat(store.secrets().delete(db)).isEqualTo(6);
        assertThat(store.secrets()
                        .find(room.id(), "db", Optional.empty())
                        .orElseThrow()
                        .tombstone())
                .isTrue();
        assertThat(store.secrets().list(room.id())).isEmpty();
        assertCode(() -> store.secrets().delete(db), ErrorCode.NOT_FOUND);
        assertCode(() -> put(db, Optional.of(0L)), ErrorCode.CONFLICT);
        assertThat(put(db, Optional.of(6L))).isEqualTo(7);
        SecretWrite elsewhere = new SecretWrite(
                dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM), "x", owner.endpoint(), Fixtures.T0, 3);
        assertCode(() -> put(elsewhere, Optional.empty()), ErrorCode.NOT_FOUND);
    }

    public static dev.keyroom.core.crypto.Keyring.Sealed sealed(long version) {
        return new dev.keyroom.core.crypto.Keyring.Sealed(1, new byte[12], new byte[] {(byte) version});
    }

    private long put(SecretWrite write, Optional<Long> ifVersion) {
        return store.secrets().put(write, ifVersion, SecretsContract::sealed);
    }
}
