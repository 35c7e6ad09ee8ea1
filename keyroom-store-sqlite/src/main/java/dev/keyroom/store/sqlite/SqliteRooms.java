package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.exists;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.core.store.Change;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link Rooms} in the {@code rooms}, {@code members} and {@code sealed_keys} tables. */
record SqliteRooms(SqliteExecutor db, ChangeJournal journal) implements Rooms {
    static final String COLUMNS = "r.room_id, r.name, r.policy, r.epoch, r.owner, r.created_at, r.rekey_required";

    @Override
    public void create(Room room, Member owner, Optional<byte[]> ownerSealedKey) {
        journal.recorded(new Change.CreateRoom(room, owner, ownerSealedKey), r -> true, c -> {
            if (exists(c, "SELECT 1 FROM rooms WHERE room_id = ?", room.id().value())) {
                throw KeyroomException.conflict("a room with that id exists");
            }
            update(
                    c,
                    "INSERT INTO rooms (room_id, name, policy, epoch, owner, created_at, rekey_required)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    room.id().value(),
                    room.name(),
                    room.policy().wireName(),
                    room.epoch(),
                    room.owner().value(),
                    room.createdAt().getEpochSecond(),
                    room.rekeyRequired() ? 1 : 0);
            insertMember(c, room.id(), owner);
            if (ownerSealedKey.isPresent()) {
                insertKey(c, room.id(), room.epoch(), owner.endpoint(), ownerSealedKey.get());
            }
            return null;
        });
    }

    @Override
    public Optional<Room> find(RoomId room) {
        return db.read(c -> find(c, room));
    }

    private static Optional<Room> find(Connection c, RoomId room) throws SQLException {
        return first(c, "SELECT " + COLUMNS + " FROM rooms r WHERE r.room_id = ?", SqliteRooms::room, room.value());
    }

    static Room room(ResultSet rs) throws SQLException {
        return new Room(
                new RoomId(rs.getString(1)),
                rs.getString(2),
                RoomPolicy.parse(rs.getString(3)),
                rs.getLong(4),
                new EndpointId(rs.getString(5)),
                Instant.ofEpochSecond(rs.getLong(6)),
                rs.getInt(7) == 1);
    }

    @Override
    public Optional<Member> findMember(RoomId room, EndpointId endpoint) {
        return db.read(c -> first(
                c,
                "SELECT endpoint, role, joined_at FROM members WHERE room_id = ? AND endpoint = ?",
                SqliteRooms::member,
                room.value(),
                endpoint.value()));
    }

    @Override
    public List<Member> members(RoomId room) {
        return db.read(c -> members(c, room));
    }

    private static List<Member> members(Connection c, RoomId room) throws SQLException {
        return all(
                c,
                "SELECT endpoint, role, joined_at FROM members WHERE room_id = ? ORDER BY rowid",
                SqliteRooms::member,
                room.value());
    }

    private static Member member(ResultSet rs) throws SQLException {
        return new Member(
                new EndpointId(rs.getString(1)), RoomRole.parse(rs.getString(2)), Instant.ofEpochSecond(rs.getLong(3)));
    }

    @Override
    public void addMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey) {
        journal.recorded(new Change.AddMember(room, member, epoch, sealedKey), r -> true, c -> {
            Room r = find(c, room).orElseThrow(KeyroomException::notFound);
            if (r.epoch() != epoch) {
                throw KeyroomException.conflict("the sealed key is not for the current epoch");
            }
            if (r.rekeyRequired()) {
                throw KeyroomException.conflict("the room must be rekeyed before members are added");
            }
            if (exists(
                    c,
                    "SELECT 1 FROM members WHERE room_id = ? AND endpoint = ?",
                    room.value(),
                    member.endpoint().value())) {
                throw KeyroomException.conflict("already a member");
            }
            insertMember(c, room, member);
            if (sealedKey.isPresent()) {
                update(
                        c,
                        "DELETE FROM sealed_keys WHERE room_id = ? AND epoch = ? AND endpoint = ?",
                        room.value(),
                        epoch,
                        member.endpoint().value());
                insertKey(c, room, epoch, member.endpoint(), sealedKey.get());
            }
            return null;
        });
    }

    @Override
    public boolean removeMember(RoomId room, EndpointId endpoint) {
        return journal.recorded(new Change.RemoveMember(room, endpoint), Boolean.TRUE::equals, c -> {
            int n = update(c, "DELETE FROM members WHERE room_id = ? AND endpoint = ?", room.value(), endpoint.value());
            if (n == 1) {
                update(c, "UPDATE rooms SET rekey_required = 1 WHERE room_id = ?", room.value());
            }
            return n == 1;
        });
    }

    @Override
    public RekeyOutcome rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys) {
        return journal.recorded(
                new Change.Rekey(room, fromEpoch, remove, sealedKeys),
                r -> r instanceof RekeyOutcome.Rekeyed,
                c -> rekey(c, room, fromEpoch, remove, sealedKeys));
    }

    private static RekeyOutcome rekey(
            Connection c, RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys)
            throws SQLException {
        Optional<Room> r = find(c, room);
        if (r.isEmpty()) {
            return new RekeyOutcome.NoSuchRoom();
        }
        if (r.get().epoch() != fromEpoch) {
            return new RekeyOutcome.StaleEpoch(r.get().epoch());
        }
        Set<EndpointId> members = new LinkedHashSet<>();
        for (Member m : members(c, room)) {
            members.add(m.endpoint());
        }
        for (EndpointId e : new TreeSet<>(remove)) {
            if (!members.contains(e)) {
                return new RekeyOutcome.NotAMember(e);
            }
        }
        Set<EndpointId> remaining = new HashSet<>(members);
        remaining.removeAll(remove);
        Set<EndpointId> missing = new HashSet<>();
        if (r.get().policy() == RoomPolicy.ENCRYPTED) {
            missing.addAll(remaining);
            missing.removeAll(sealedKeys.keySet());
        }
        Set<EndpointId> unexpected = new HashSet<>(sealedKeys.keySet());
        unexpected.removeAll(remaining);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            return new RekeyOutcome.KeysMismatch(Set.copyOf(missing), Set.copyOf(unexpected));
        }
        long next = fromEpoch + 1;
        for (EndpointId e : remove) {
            update(c, "DELETE FROM members WHERE room_id = ? AND endpoint = ?", room.value(), e.value());
        }
        for (Map.Entry<EndpointId, byte[]> k : sealedKeys.entrySet()) {
            insertKey(c, room, next, k.getKey(), k.getValue());
        }
        update(c, "UPDATE rooms SET epoch = ?, rekey_required = 0 WHERE room_id = ?", next, room.value());
        return new RekeyOutcome.Rekeyed(next);
    }

    @Override
    public Optional<byte[]> sealedKey(RoomId room, long epoch, EndpointId endpoint) {
        return db.read(c -> first(
                c,
                "SELECT sealed FROM sealed_keys WHERE room_id = ? AND epoch = ? AND endpoint = ?",
                rs -> rs.getBytes(1),
                room.value(),
                epoch,
                endpoint.value()));
    }

    @Override
    public List<Membership> roomsOf(EndpointId endpoint) {
        return db.read(c -> all(
                c,
                "SELECT " + COLUMNS + ", m.role FROM members m JOIN rooms r ON r.room_id = m.room_id"
                        + " WHERE m.endpoint = ? ORDER BY r.rowid",
                rs -> new Membership(room(rs), RoomRole.parse(rs.getString(8))),
                endpoint.value()));
    }

    @Override
    public RetentionSetting retention(RoomId room) {
        return db.read(c -> first(
                        c,
                        "SELECT retain_count, retain_days, secret_versions FROM rooms WHERE room_id = ?",
                        rs -> new RetentionSetting(
                                Sql.optionalInt(rs, 1), Sql.optionalInt(rs, 2), Sql.optionalInt(rs, 3)),
                        room.value()))
                .orElseThrow(KeyroomException::notFound);
    }

    @Override
    public void setRetention(
            RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now) {
        journal.recorded(new Change.SetRetention(room, setting, effective, secretVersions, now), r -> true, c -> {
            if (update(
                            c,
                            "UPDATE rooms SET retain_count = ?, retain_days = ?, secret_versions = ? WHERE room_id = ?",
                            setting.count().orElse(null),
                            setting.days().orElse(null),
                            setting.secretVersions().orElse(null),
                            room.value())
                    == 0) {
                throw KeyroomException.notFound();
            }
            long lastSeq = first(c, "SELECT last_seq FROM rooms WHERE room_id = ?", rs -> rs.getLong(1), room.value())
                    .orElseThrow();
            SqliteMessages.prune(c, room, lastSeq, effective, now);
            update(
                    c,
                    "DELETE FROM secrets WHERE room_id = ? AND version <= (SELECT max(t.version) FROM secrets t"
                            + " WHERE t.room_id = secrets.room_id AND t.name = secrets.name) - ?",
                    room.value(),
                    secretVersions);
            return null;
        });
    }

    private static void insertMember(Connection c, RoomId room, Member m) throws SQLException {
        update(
                c,
                "INSERT INTO members (room_id, endpoint, role, joined_at) VALUES (?, ?, ?, ?)",
                room.value(),
                m.endpoint().value(),
                m.role().wireName(),
                m.joinedAt().getEpochSecond());
    }

    private static void insertKey(Connection c, RoomId room, long epoch, EndpointId e, byte[] sealed)
            throws SQLException {
        update(
                c,
                "INSERT INTO sealed_keys (room_id, epoch, endpoint, sealed) VALUES (?, ?, ?, ?)",
                room.value(),
                epoch,
                e.value(),
                sealed);
    }
}
