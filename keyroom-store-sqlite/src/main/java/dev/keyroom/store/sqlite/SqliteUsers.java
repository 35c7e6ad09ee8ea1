package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.exists;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.store.Change;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Users} in the {@code users} table. */
record SqliteUsers(SqliteExecutor db, ChangeJournal journal) implements Users {
    private static final String COLUMNS = "endpoint, name, role, status, sign_pub, kex_pub, created_at";

    @Override
    public void create(User user) {
        journal.recorded(new Change.CreateUser(user), r -> true, c -> {
            if (exists(
                    c, "SELECT 1 FROM users WHERE endpoint = ?", user.endpoint().value())) {
                throw KeyroomException.conflict("that key is already registered");
            }
            update(
                    c,
                    "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    user.endpoint().value(),
                    user.name(),
                    user.role().wireName(),
                    user.status().wireName(),
                    user.signPub(),
                    user.kexPub(),
                    user.createdAt().getEpochSecond());
            return null;
        });
    }

    @Override
    public Optional<User> find(EndpointId endpoint) {
        return db.read(c ->
                first(c, "SELECT " + COLUMNS + " FROM users WHERE endpoint = ?", SqliteUsers::user, endpoint.value()));
    }

    @Override
    public List<User> list() {
        return db.read(c -> all(c, "SELECT " + COLUMNS + " FROM users ORDER BY rowid", SqliteUsers::user));
    }

    @Override
    public boolean setStatus(EndpointId endpoint, UserStatus status) {
        return journal.recorded(
                new Change.SetUserStatus(endpoint, status),
                Boolean.TRUE::equals,
                c -> update(c, "UPDATE users SET status = ? WHERE endpoint = ?", status.wireName(), endpoint.value())
                        == 1);
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(
                new EndpointId(rs.getString(1)),
                rs.getString(2),
                Role.parse(rs.getString(3)),
                UserStatus.parse(rs.getString(4)),
                rs.getBytes(5),
                rs.getBytes(6),
                Instant.ofEpochSecond(rs.getLong(7)));
    }
}
