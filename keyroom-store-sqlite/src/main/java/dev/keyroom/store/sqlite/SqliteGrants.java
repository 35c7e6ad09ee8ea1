package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.exists;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.grants.Grants;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.store.Change;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Grants} in the {@code grants} table, journaled so the change feed carries them to a backup. */
record SqliteGrants(SqliteExecutor db, ChangeJournal journal) implements Grants {
    private static final String COLUMNS =
            "grant_id, room_id, agent, granter, secret, created_at, expires_at, document, signature";

    @Override
    public void put(Grant grant) {
        journal.recorded(new Change.PutGrant(grant), r -> true, c -> {
            if (!exists(c, "SELECT 1 FROM rooms WHERE room_id = ?", grant.room().value())) {
                throw KeyroomException.notFound();
            }
            if (exists(
                    c,
                    "SELECT 1 FROM grants WHERE room_id = ? AND grant_id = ?",
                    grant.room().value(),
                    grant.grantId())) {
                throw KeyroomException.conflict("the room holds a grant of that id already");
            }
            update(
                    c,
                    "INSERT INTO grants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    grant.grantId(),
                    grant.room().value(),
                    grant.agent().value(),
                    grant.granter().value(),
                    grant.secret(),
                    grant.createdAt().toEpochMilli(),
                    grant.expiresAt().toEpochMilli(),
                    grant.document(),
                    grant.signature());
            return null;
        });
    }

    @Override
    public List<Grant> list(RoomId room) {
        return db.read(c -> all(
                c,
                "SELECT " + COLUMNS + " FROM grants WHERE room_id = ? ORDER BY created_at, grant_id",
                SqliteGrants::grant,
                room.value()));
    }

    @Override
    public Optional<Grant> find(RoomId room, String grantId) {
        return db.read(c -> first(
                c,
                "SELECT " + COLUMNS + " FROM grants WHERE room_id = ? AND grant_id = ?",
                SqliteGrants::grant,
                room.value(),
                grantId));
    }

    @Override
    public boolean delete(RoomId room, String grantId) {
        return journal.recorded(
                new Change.DeleteGrant(room, grantId),
                Boolean.TRUE::equals,
                c -> update(c, "DELETE FROM grants WHERE room_id = ? AND grant_id = ?", room.value(), grantId) == 1);
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(
                rs.getString(1),
                new RoomId(rs.getString(2)),
                new EndpointId(rs.getString(3)),
                new EndpointId(rs.getString(4)),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)),
                Instant.ofEpochMilli(rs.getLong(7)),
                rs.getBytes(8),
                rs.getBytes(9));
    }
}
