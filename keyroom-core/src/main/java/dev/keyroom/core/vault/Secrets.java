package dev.keyroom.core.vault;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.rooms.RoomId;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** The versioned secrets of each room (SEC-2, SEC-5). The guarantees and errors of {@code Store} hold. */
public interface Secrets {
    /**
     * Writes the next version of a secret in one transaction: CONFLICT when {@code ifVersion} is given
     * and is not the latest version number, a tombstone's included (0: never written), so that the
     * version a client binds into its ciphertext is the one written; {@code seal} makes the stored
     * value for the version being written (its context names the version). Keeps the last versions
     * of the name: the room's own number, or {@code keep}. NOT_FOUND without the room.
     */
    long put(SecretWrite write, Optional<Long> ifVersion, LongFunction<Keyring.Sealed> seal);

    /** Writes a tombstone version; NOT_FOUND when the name has no live version. */
    long delete(SecretWrite write);

    /** A version of a secret (the latest when empty), tombstones included. */
    Optional<StoredSecret> find(RoomId room, String name, Optional<Long> version);

    /** The room's live secrets (latest version not a tombstone), by name. */
    List<SecretInfo> list(RoomId room);
}
