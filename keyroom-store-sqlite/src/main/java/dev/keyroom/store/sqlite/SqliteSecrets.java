package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.SecretInfo;
import dev.keyroom.core.vault.SecretWrite;
import dev.keyroom.core.vault.Secrets;
import dev.keyroom.core.vault.StoredSecret;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** {@link Secrets} in the {@code secrets} table: one row per version, tombstones included. */
record SqliteSecrets(SqliteExecutor db, ChangeJournal journal) implements Secrets {
    private static final String COLUMNS =
            "SELECT name, version, key_id, nonce, ciphertext, tombstone, created_by, created_at FROM secrets";

    @Override
    public long put(SecretWrite w, Optional<Long> ifVersion, LongFunction<Keyring.Sealed> seal) {
        RoomId room = w.room();
        String name = w.name();
        long written = db.write(c -> {
            int kept = keptVersions(c, room, w.keep());
            long[] latest = latest(c, room, name);
            long current = latest[0];
            if (ifVersion.isPresent() && ifVersion.get() != current) {
                throw KeyroomException.conflict("the secret is at version " + current
                        + (latest[1] == 1 ? " (deleted)" : "") + ", not " + ifVersion.get());
            }
            long next = current + 1;
            Keyring.Sealed sealed = seal.apply(next);
            update(
                    c,
                    "INSERT INTO secrets (room_id, name, version, key_id, nonce, ciphertext, tombstone, created_by,"
                            + " created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    room.value(),
                    name,
                    next,
                    sealed.keyId(),
                    sealed.nonce(),
                    sealed.ciphertext(),
                    w.by().value(),
                    w.at().toEpochMilli());
            pruneVersions(c, room, name, next, kept);
            journal.record(c, new Change.PutSecret(room, name, current, sealed, w.by(), w.at(), w.keep()));
            return next;
        });
        journal.recordedOne();
        return written;
    }

    /** The room's own number of versions to keep, or {@code fallback}; NOT_FOUND without the room. */
    private static int keptVersions(Connection c, RoomId room, int fallback) throws SQLException {
        int own = first(
                        c,
                        "SELECT coalesce(secret_versions, 0) FROM rooms WHERE room_id = ?",
                        rs -> rs.getInt(1),
                        room.value())
                .orElseThrow(KeyroomException::notFound);
        return own > 0 ? own : fallback;
    }

    @Override
    public long delete(SecretWrite w) {
        RoomId room = w.room();
        String name = w.name();
        return journal.recorded(new Change.DeleteSecret(room, name, w.by(), w.at(), w.keep()), r -> true, c -> {
            int kept = keptVersions(c, room, w.keep());
            long[] latest = latest(c, room, name);
            if (latest[0] == 0 || latest[1] == 1) {
                throw KeyroomException.notFound();
            }
            long next = latest[0] + 1;
            update(
                    c,
                    "INSERT INTO secrets (room_id, name, version, tombstone, created_by, created_at)"
                            + " VALUES (?, ?, ?, 1, ?, ?)",
                    room.value(),
                    name,
                    next,
                    w.by().value(),
                    w.at().toEpochMilli());
            pruneVersions(c, room, name, next, kept);
            return next;
        });
    }

    /** {latest version or 0, 1 if it is a tombstone}. */
    private static long[] latest(Connection c, RoomId room, String name) throws SQLException {
        return first(
                        c,
                        "SELECT version, tombstone FROM secrets WHERE room_id = ? AND name = ?"
                                + " ORDER BY version DESC LIMIT 1",
                        rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        room.value(),
                        name)
                .orElse(new long[] {0, 0});
    }

    private static void pruneVersions(Connection c, RoomId room, String name, long latest, int keep)
            throws SQLException {
        update(
                c,
                "DELETE FROM secrets WHERE room_id = ? AND name = ? AND version <= ?",
                room.value(),
                name,
                latest - keep);
    }

    @Override
    public Optional<StoredSecret> find(RoomId room, String name, Optional<Long> version) {
        return db.read(c -> version.isPresent()
                ? first(
                        c,
                        COLUMNS + " WHERE room_id = ? AND name = ? AND version = ?",
                        SqliteSecrets::stored,
                        room.value(),
                        name,
                        version.get())
                : first(
                        c,
                        COLUMNS + " WHERE room_id = ? AND name = ? ORDER BY version DESC LIMIT 1",
                        SqliteSecrets::stored,
                        room.value(),
                        name));
    }

    private static StoredSecret stored(ResultSet rs) throws SQLException {
        boolean tombstone = rs.getInt(6) == 1;
        return new StoredSecret(
                rs.getString(1),
                rs.getLong(2),
                tombstone
                        ? Optional.empty()
                        : Optional.of(new Keyring.Sealed(rs.getInt(3), rs.getBytes(4), rs.getBytes(5))),
                new EndpointId(rs.getString(7)),
                Instant.ofEpochMilli(rs.getLong(8)));
    }

    @Override
    public List<SecretInfo> list(RoomId room) {
        return db.read(c -> all(
                c,
                "SELECT s.name, s.version, s.created_at FROM secrets s WHERE s.room_id = ? AND s.tombstone = 0"
                        + " AND s.version = (SELECT max(version) FROM secrets t WHERE t.room_id = s.room_id"
                        + " AND t.name = s.name) ORDER BY s.name",
                rs -> new SecretInfo(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))),
                room.value()));
    }
}
