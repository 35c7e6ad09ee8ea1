package dev.keyroom.store.nats;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.SecretInfo;
import dev.keyroom.core.vault.SecretWrite;
import dev.keyroom.core.vault.Secrets;
import dev.keyroom.core.vault.StoredSecret;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** {@link Secrets} of the cluster: writes through the state stream, reads from the caught-up replica. */
record ReplicatedSecrets(StateStream stream) implements Secrets {
    /** Lost races a write without {@code if_version} retries with the new latest version. */
    private static final int RETRIES = 8;

    /**
     * The value is sealed here, for the version this node expects to write (the latest it sees plus
     * one), and the command carries that expectation: applied anywhere, it writes that version or
     * nothing. Without {@code ifVersion}, a lost race is retried with the new latest version.
     */
    @Override
    public long put(SecretWrite w, Optional<Long> ifVersion, LongFunction<Keyring.Sealed> seal) {
        RoomId room = w.room();
        String name = w.name();
        for (int attempt = 0; ; attempt++) {
            long latest;
            if (ifVersion.isPresent()) {
                latest = ifVersion.get();
            } else {
                stream.barrier();
                stream.replica().rooms().retention(room); // NOT_FOUND without the room, before sealing anything
                latest = stream.replica()
                        .secrets()
                        .find(room, name, Optional.empty())
                        .map(StoredSecret::version)
                        .orElse(0L);
            }
            Keyring.Sealed sealed = seal.apply(latest + 1);
            try {
                return stream.write(new Change.PutSecret(room, name, latest, sealed, w.by(), w.at(), w.keep()));
            } catch (KeyroomException e) {
                if (ifVersion.isPresent() || e.code() != ErrorCode.CONFLICT || attempt >= RETRIES) {
                    throw e;
                }
            }
        }
    }

    @Override
    public long delete(SecretWrite w) {
        return stream.write(new Change.DeleteSecret(w.room(), w.name(), w.by(), w.at(), w.keep()));
    }

    @Override
    public Optional<StoredSecret> find(RoomId room, String name, Optional<Long> version) {
        stream.barrier();
        return stream.replica().secrets().find(room, name, version);
    }

    @Override
    public List<SecretInfo> list(RoomId room) {
        stream.barrier();
        return stream.replica().secrets().list(room);
    }
}
