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
        assertThat(store.secrets()
                        .put(
                                new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3),
                                Optional.of(0L),
                                SecretsContract::sealed))
                .isEqualTo(1);
        assertCode(
                () -> store.secrets()
                        .put(
                                new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3),
                                Optional.of(0L),
                                SecretsContract::sealed),
                ErrorCode.CONFLICT);
        for (long v = 2; v <= 5; v++) {
            assertThat(store.secrets()
                            .put(
                                    new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3),
                                    Optional.empty(),
                                    SecretsContract::sealed))
                    .isEqualTo(v);
        }
        store = reopen(store);
        assertThat(store.secrets().find(room.id(), "db", Optional.of(2L))).isEmpty();
        var latest = store.secrets().find(room.id(), "db", Optional.empty()).orElseThrow();
        assertThat(latest.version()).isEqualTo(5);
        assertThat(latest.sealed().orElseThrow().ciphertext()).containsExactly(5);
        assertThat(store.secrets().list(room.id()))
                .extracting(dev.keyroom.core.vault.SecretInfo::name)
                .containsExactly("db");

        assertThat(store.secrets().delete(new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3)))
                .isEqualTo(6);
        assertThat(store.secrets()
                        .find(room.id(), "db", Optional.empty())
                        .orElseThrow()
                        .tombstone())
                .isTrue();
        assertThat(store.secrets().list(room.id())).isEmpty();
        assertCode(
                () -> store.secrets().delete(new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3)),
                ErrorCode.NOT_FOUND);
        assertCode(
                () -> store.secrets()
                        .put(
                                new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3),
                                Optional.of(0L),
                                SecretsContract::sealed),
                ErrorCode.CONFLICT);
        assertThat(store.secrets()
                        .put(
                                new SecretWrite(room.id(), "db", owner.endpoint(), Fixtures.T0, 3),
                                Optional.of(6L),
                                SecretsContract::sealed))
                .isEqualTo(7);
        assertCode(
                () -> store.secrets()
                        .put(
                                new SecretWrite(
                                        dev.keyroom.core.rooms.RoomId.random(Fixtures.RANDOM),
                                        "x",
                                        owner.endpoint(),
                                        Fixtures.T0,
                                        3),
                                Optional.empty(),
                                SecretsContract::sealed),
                ErrorCode.NOT_FOUND);
    }

    static dev.keyroom.core.crypto.Keyring.Sealed sealed(long version) {
        return new dev.keyroom.core.crypto.Keyring.Sealed(1, new byte[12], new byte[] {(byte) version});
    }
}
