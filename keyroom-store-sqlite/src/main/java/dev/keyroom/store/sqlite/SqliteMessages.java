package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.exists;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.Messages;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.core.store.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Messages} in the {@code messages} table, numbered by the room's {@code last_seq}. Appends
 * go through the writer's queue without blocking their caller, and commit in groups.
 */
record SqliteMessages(SqliteExecutor db, ChangeJournal journal) implements Messages {
    @Override
    public CompletableFuture<Long> append(NewMessage message, Retention retention) {
        RoomId room = message.room();
        CompletableFuture<Long> appended = db.writeAsync(c -> {
            long[] row = first(
                            c,
                            "SELECT epoch, coalesce(retain_count, 0), coalesce(retain_days, 0) FROM rooms WHERE room_id = ?",
                            rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                            room.value())
                    .orElseThrow(KeyroomException::notFound);
            long current = row[0];
            Retention keep = new RetentionSetting(
                            row[1] == 0 ? Optional.empty() : Optional.of((int) row[1]),
                            row[2] == 0 ? Optional.empty() : Optional.of((int) row[2]),
                            Optional.empty())
                    .resolve(retention);
            if (current != message.epoch()) {
                throw KeyroomException.conflict("the message is not for the room's current epoch " + current);
            }
            if (exists(
                    c,
                    "SELECT 1 FROM messages WHERE room_id = ? AND message_id = ?",
                    room.value(),
                    message.messageId())) {
                throw KeyroomException.conflict("a message with that id was published already");
            }
            update(c, "UPDATE rooms SET last_seq = last_seq + 1 WHERE room_id = ?", room.value());
            long seq = first(c, "SELECT last_seq FROM rooms WHERE room_id = ?", rs -> rs.getLong(1), room.value())
                    .orElseThrow();
            update(
                    c,
                    "INSERT INTO messages (room_id, seq, message_id, sender, epoch, envelope, received_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    room.value(),
                    seq,
                    message.messageId(),
                    message.sender().value(),
                    message.epoch(),
                    message.envelope(),
                    message.receivedAt().toEpochMilli());
            prune(c, room, seq, keep, message.receivedAt());
            journal.record(c, new Change.AppendMessage(message, retention));
            return seq;
        });
        return journal.on() ? appended.whenComplete((v, e) -> journal.recordedOne()) : appended;
    }

    /** Drops what {@code keep} no longer keeps: two range deletes, each on its own index, so only rows that go are visited. */
    static void prune(Connection c, RoomId room, long lastSeq, Retention keep, Instant now) throws SQLException {
        if (lastSeq > keep.count()) {
            update(c, "DELETE FROM messages WHERE room_id = ? AND seq <= ?", room.value(), lastSeq - keep.count());
        }
        update(
                c,
                "DELETE FROM messages WHERE room_id = ? AND received_at < ?",
                room.value(),
                now.minus(keep.age()).toEpochMilli());
    }

    @Override
    public List<StoredMessage> after(RoomId room, long afterSeq, int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, message_id, sender, epoch, envelope, received_at FROM messages"
                        + " WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                rs -> new StoredMessage(
                        room,
                        rs.getLong(1),
                        rs.getString(2),
                        new EndpointId(rs.getString(3)),
                        rs.getLong(4),
                        rs.getBytes(5),
                        Instant.ofEpochMilli(rs.getLong(6))),
                room.value(),
                afterSeq,
                limit));
    }
}
