package dev.keyroom.core.vault;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.AtRestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keyring operations without downtime (SEC-3), admin only. {@link #rotate} writes a keyring with a
 * new current key to the file, atomically, then swaps it in: writes after that use it at once,
 * reads of older items still open under their keys. {@link #rewrap} re-seals, in the background and
 * in batches, every item still under an older key; it is resumable (it works from what the store
 * says is left) and harmless to race with writes (each re-seal is a compare-and-set). {@link
 * #retire} removes a key only when nothing is sealed under it.
 */
public final class KeyringService {
    static final int BATCH = 200;

    /** Keys, which is current, how many items each seals, and whether a re-wrap is running. */
    public record Status(
            int current,
            Map<Integer, Long> itemsByKey,
            java.util.Set<Integer> keys,
            boolean rewrapping,
            long rewrapped,
            long unreadable) {}

    private final SealedItems store;
    private final Path file;
    private final AtomicReference<Keyring> keyring;
    private final SecureRandom random;
    private final Executor background;
    private final AtomicBoolean rewrapping = new AtomicBoolean();
    private final AtomicLong rewrapped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    public KeyringService(
            SealedItems store, Path file, AtomicReference<Keyring> keyring, SecureRandom random, Executor background) {
        this.store = store;
        this.file = file;
        this.keyring = keyring;
        this.random = random;
        this.background = background;
    }

    public Status status(User caller) {
        Access.requireAdmin(caller);
        Keyring k = keyring.get();
        return new Status(
                k.current(), store.countByKey(), k.ids(), rewrapping.get(), rewrapped.get(), unreadable.get());
    }

    public synchronized Status rotate(User caller) {
        Access.requireAdmin(caller);
        replace(keyring.get().rotated(random));
        return status(caller);
    }

    public synchronized Status retire(User caller, int keyId) {
        Access.requireAdmin(caller);
        long using = store.countByKey().getOrDefault(keyId, 0L);
        if (using > 0) {
            throw KeyroomException.conflict("key " + keyId + " still seals " + using + " items; run a rewrap first");
        }
        replace(keyring.get().without(keyId));
        return status(caller);
    }

    private void replace(Keyring next) {
        try {
            next.write(file, true);
        } catch (IOException e) {
            next.close();
            throw new KeyroomException(ErrorCode.INTERNAL, "cannot write the keyring", e);
        }
        keyring.set(next);
    }

    /** Starts re-sealing everything under older keys, unless a re-wrap is running already. */
    public Status rewrap(User caller) {
        Access.requireAdmin(caller);
        if (rewrapping.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    rewrapAll();
                } finally {
                    rewrapping.set(false);
                }
            });
        }
        return status(caller);
    }

    /** Re-seals in batches until nothing is left under an older key: secret values, then sealed room keys. */
    void rewrapAll() {
        rewrapEach(k -> store.secretsNotUnder(k.current(), BATCH), (k, row) -> {
            String context = VaultService.context(row.room(), row.name(), row.version());
            byte[] plain = k.open(context, row.sealed());
            try {
                return store.resealSecret(row, k.seal(context, plain, random));
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
        });
        rewrapEach(
                k -> store.keysNotUnder(k.current(), BATCH),
                (k, row) -> store.resealKey(
                        row,
                        AtRestKeys.wrap(
                                k,
                                row.room(),
                                row.epoch(),
                                row.member(),
                                AtRestKeys.unwrap(k, row.room(), row.epoch(), row.member(), row.stored()),
                                random)));
    }

    /**
     * Fetches batches of items under older keys and re-seals each with a compare-and-set. An item
     * that does not open (moved or corrupt) is left as it is and counted. Stops when nothing is left,
     * or when a whole batch changed under it (the next rewrap picks that up).
     */
    private <T> void rewrapEach(
            java.util.function.Function<Keyring, List<T>> fetch, java.util.function.BiPredicate<Keyring, T> reseal) {
        while (true) {
            Keyring k = keyring.get();
            List<T> batch = fetch.apply(k);
            if (batch.isEmpty()) {
                return;
            }
            int done = 0;
            for (T row : batch) {
                try {
                    if (reseal.test(k, row)) {
                        rewrapped.incrementAndGet();
                        done++;
                    }
                } catch (KeyroomException e) {
                    unreadable.incrementAndGet();
                }
            }
            if (done == 0 && keyring.get() == k) {
                return;
            }
        }
    }
}
