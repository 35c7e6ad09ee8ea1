package dev.keyroom.store.nats;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.SealedItems;
import java.util.List;
import java.util.Map;

/** {@link SealedItems} of the cluster: re-wraps through the state stream, reads from the caught-up replica. */
record ReplicatedSealedItems(StateStream stream) implements SealedItems {
    private SealedItems replica() {
        stream.barrier();
        return stream.replica().sealedItems();
    }

    @Override
    public Map<Integer, Long> countByKey() {
        return replica().countByKey();
    }

    @Override
    public List<SealedKeyRow> keysNotUnder(int keyId, int limit) {
        return replica().keysNotUnder(keyId, limit);
    }

    @Override
    public boolean resealKey(SealedKeyRow expected, byte[] replacement) {
        return stream.write(new Change.ResealKey(expected, replacement));
    }

    @Override
    public List<SealedRow> secretsNotUnder(int keyId, int limit) {
        return replica().secretsNotUnder(keyId, limit);
    }

    @Override
    public boolean resealSecret(SealedRow expected, Keyring.Sealed replacement) {
        return stream.write(new Change.Reseal(expected, replacement));
    }
}
