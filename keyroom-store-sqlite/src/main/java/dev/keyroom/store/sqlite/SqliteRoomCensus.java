package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;

import dev.keyroom.core.rooms.RoomCensus;
import dev.keyroom.core.rooms.RoomSummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link RoomCensus} over the {@code rooms}, {@code members}, {@code messages} and {@code secrets}
 * tables, in one read: counts and times only, no envelope or ciphertext column is selected.
 */
record SqliteRoomCensus(SqliteExecutor db) implements RoomCensus {
    private static final String QUERY = "SELECT " + SqliteRooms.COLUMNS
            + ", (SELECT count(*) FROM members m WHERE m.room_id = r.room_id)"
            + ", (SELECT count(*) FROM messages g WHERE g.room_id = r.room_id)"
            + ", (SELECT max(received_at) FROM messages g WHERE g.room_id = r.room_id)"
            + ", (SELECT count(*) FROM secrets s WHERE s.room_id = r.room_id AND s.tombstone = 0"
            + " AND s.version = (SELECT max(version) FROM secrets t WHERE t.room_id = s.room_id AND t.name = s.name))"
            + ", (SELECT max(created_at) FROM secrets s WHERE s.room_id = r.room_id)"
            + " FROM rooms r ORDER BY r.created_at, r.room_id";

    @Override
    public List<RoomSummary> summaries() {
        return db.read(c -> all(c, QUERY, SqliteRoomCensus::summary));
    }

    private static RoomSummary summary(ResultSet rs) throws SQLException {
        return new RoomSummary(
                SqliteRooms.room(rs), rs.getInt(8), rs.getLong(9), millis(rs, 10), rs.getInt(11), millis(rs, 12));
    }

    private static Optional<Instant> millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }
}
