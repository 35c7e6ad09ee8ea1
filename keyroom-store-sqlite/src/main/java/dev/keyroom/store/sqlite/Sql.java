package dev.keyroom.store.sqlite;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few JDBC shapes every table of the store needs: an update, an existence test, the first row,
 * every row, each through a prepared statement cached per connection.
 */
final class Sql {
    private Sql() {}

    /** Maps the current row of a result. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Prepared statements by connection and SQL text. Each connection belongs to one pool thread, so
     * its map is only touched by that thread; the SQL texts are constants of this package, a bounded set.
     */
    private static final Map<Connection, Map<String, PreparedStatement>> STATEMENTS = new ConcurrentHashMap<>();

    /** Drops the cached statements of a connection about to be closed. */
    static void forget(Connection c) {
        STATEMENTS.remove(c);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        Map<String, PreparedStatement> cached = STATEMENTS.computeIfAbsent(c, k -> new HashMap<>());
        PreparedStatement ps = cached.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            cached.put(sql, ps);
        }
        ps.clearParameters();
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        return prepare(c, sql, args).executeUpdate();
    }

    static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            return rs.next();
        }
    }

    static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        }
    }

    static <T> List<T> all(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    /** A nullable integer column. */
    static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    static KeyroomException storageFailure(Throwable cause) {
        return new KeyroomException(ErrorCode.INTERNAL, "storage failure", cause);
    }
}
