package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.AtRestKeys;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.SealedItems;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link SealedItems}: the sealed values of the {@code secrets} table and the {@code sealed_keys}. */
record SqliteSealedItems(SqliteExecutor db, ChangeJournal journal) implements SealedItems {
    @Override
    public Map<Integer, Long> countByKey() {
        Map<Integer, Long> out = new TreeMap<>();
        db.read(c -> all(c, "SELECT key_id, count(*) FROM secrets WHERE key_id IS NOT NULL GROUP BY key_id", rs ->
                        new long[] {rs.getLong(1), rs.getLong(2)}))
                .forEach(r -> out.put((int) r[0], r[1]));
        db.read(c -> all(
                        c, "SELECT substr(sealed, 1, 8), count(*) FROM sealed_keys GROUP BY substr(sealed, 1, 8)", rs ->
                                new Object[] {rs.getBytes(1), rs.getLong(2)}))
                .forEach(r -> {
                    byte[] head = (byte[]) r[0];
                    int key = AtRestKeys.keyIdOf(Arrays.copyOf(head, Math.max(head.length, 21)))
                            .orElse(0);
                    out.merge(key, (Long) r[1], Long::sum);
                });
        return out;
    }

    @Override
    public List<SealedKeyRow> keysNotUnder(int keyId, int limit) {
        byte[] head = ByteBuffer.allocate(8)
                .put("KRW1".getBytes(StandardCharsets.US_ASCII))
                .putInt(keyId)
                .array();
        return db.read(c -> all(
                c,
                "SELECT room_id, epoch, endpoint, sealed FROM sealed_keys WHERE substr(sealed, 1, 8) <> ? LIMIT ?",
                rs -> new SealedKeyRow(
                        new RoomId(rs.getString(1)), rs.getLong(2), new EndpointId(rs.getString(3)), rs.getBytes(4)),
                head,
                limit));
    }

    @Override
    public boolean resealKey(SealedKeyRow expected, byte[] replacement) {
        return journal.recorded(
                new Change.ResealKey(expected, replacement),
                Boolean.TRUE::equals,
                c -> update(
                                c,
                                "UPDATE sealed_keys SET sealed = ? WHERE room_id = ? AND epoch = ? AND endpoint = ? AND sealed = ?",
                                replacement,
                                expected.room().value(),
                                expected.epoch(),
                                expected.member().value(),
                                expected.stored())
                        == 1);
    }

    @Override
    public List<SealedRow> secretsNotUnder(int keyId, int limit) {
        return db.read(c -> all(
                c,
                "SELECT room_id, name, version, key_id, nonce, ciphertext FROM secrets"
                        + " WHERE key_id IS NOT NULL AND key_id <> ? LIMIT ?",
                rs -> new SealedRow(
                        new RoomId(rs.getString(1)),
                        rs.getString(2),
                        rs.getLong(3),
                        new Keyring.Sealed(rs.getInt(4), rs.getBytes(5), rs.getBytes(6))),
                keyId,
                limit));
    }

    @Override
    public boolean resealSecret(SealedRow expected, Keyring.Sealed replacement) {
        return journal.recorded(
                new Change.Reseal(expected, replacement),
                Boolean.TRUE::equals,
                c -> update(
                                c,
                                "UPDATE secrets SET key_id = ?, nonce = ?, ciphertext = ?"
                                        + " WHERE room_id = ? AND name = ? AND version = ? AND key_id = ? AND nonce = ?",
                                replacement.keyId(),
                                replacement.nonce(),
                                replacement.ciphertext(),
                                expected.room().value(),
                                expected.name(),
                                expected.version(),
                                expected.sealed().keyId(),
                                expected.sealed().nonce())
                        == 1);
    }
}
