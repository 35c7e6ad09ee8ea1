package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gateway's own state in SQLite (WAL): the keyed hashes of agent sessions and the per-grant
 * counters of calls (GW-8), so neither a restart nor a crash resets a rate or a budget. One
 * platform thread owns the connection; callers wait for their statement. Commits are not fsynced
 * one by one ({@code synchronous=NORMAL}): a killed process loses nothing, a lost power supply may
 * lose the last counts.
 */
final class GatewayDb implements AutoCloseable {
    record StoredSession(String hash, String id, EndpointId agent, Duration ttl, Instant expires) {}

    /** A counter of one grant in one window: the window's start and the calls counted in it. */
    record Count(long windowStart, long count) {}

    private final ExecutorService thread;
    private final Connection c;
    /** The meter's statements, prepared once: it runs on every call (used on the db thread only). */
    private final java.util.Map<String, PreparedStatement> prepared = new java.util.HashMap<>();

    GatewayDb(Path file) throws SQLException {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keyroom-gateway-db");
            t.setDaemon(true);
            return t;
        });
        this.c = call(() -> {
            Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = conn.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
                        + " agent TEXT NOT NULL, ttl_seconds INTEGER NOT NULL, expires INTEGER NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS meters (grant_id TEXT NOT NULL, window TEXT NOT NULL,"
                        + " start INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (grant_id, window))");
            }
            return conn;
        });
    }

    void putSession(StoredSession s) {
        update(
                "INSERT INTO sessions (hash, id, agent, ttl_seconds, expires) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (hash) DO UPDATE SET expires = excluded.expires",
                s.hash(),
                s.id(),
                s.agent().value(),
                s.ttl().toSeconds(),
                s.expires().toEpochMilli());
    }

    void deleteSession(String hash) {
        update("DELETE FROM sessions WHERE hash = ?", hash);
    }

    void deleteSessionsBefore(Instant now) {
        update("DELETE FROM sessions WHERE expires <= ?", now.toEpochMilli());
    }

    List<StoredSession> sessions() {
        return call(() -> {
            List<StoredSession> out = new ArrayList<>();
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT hash, id, agent, ttl_seconds, expires FROM sessions");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredSession(
                            rs.getString(1),
                            rs.getString(2),
                            EndpointId.parse(rs.getString(3)),
                            Duration.ofSeconds(rs.getLong(4)),
                            Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
            return out;
        });
    }

    /** What the meter keeps of one grant: its rate state, and the day and its count of calls. */
    record MeterRow(String grant, long rateState, long day, long dayCount) {}

    /** The meter's row of {@code grant}, zeros when it has none. */
    MeterRow meter(String grant) {
        return call(() -> {
            Count rate = count(grant, "rate", null);
            Count day = count(grant, "day", null);
            return new MeterRow(grant, rate.windowStart(), day.windowStart(), day.count());
        });
    }

    /** Stores the meter's rows in one transaction. */
    void storeMeters(List<MeterRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        call(() -> {
            c.setAutoCommit(false);
            try {
                for (MeterRow r : rows) {
                    put(r.grant(), "rate", r.rateState(), 0);
                    put(r.grant(), "day", r.day(), r.dayCount());
                }
                c.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** The row of a window; with {@code start} given, a row of another window counts as empty. */
    private Count count(String grant, String window, Long start) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT start, count FROM meters WHERE grant_id = ? AND window = ?")) {
            ps.setString(1, grant);
            ps.setString(2, window);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && (start == null || rs.getLong(1) == start)) {
                    return new Count(rs.getLong(1), rs.getLong(2));
                }
                return new Count(start == null ? 0 : start, 0);
            }
        }
    }

    private void put(String grant, String window, long start, long count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO meters (grant_id, window, start, count) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (grant_id, window) DO UPDATE SET start = excluded.start, count = excluded.count")) {
            ps.setString(1, grant);
            ps.setString(2, window);
            ps.setLong(3, start);
            ps.setLong(4, count);
            ps.executeUpdate();
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    private void update(String sql, Object... args) {
        call(() -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private <T> T call(Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gateway's database", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "the gateway's database failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            call(() -> {
                for (PreparedStatement ps : prepared.values()) {
                    ps.close();
                }
                c.close();
                return null;
            });
        } finally {
            thread.shutdown();
        }
    }
}
