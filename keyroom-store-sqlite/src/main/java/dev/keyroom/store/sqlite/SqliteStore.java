package dev.keyroom.store.sqlite;

import dev.keyroom.core.store.Store;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The embedded {@link Store}: one SQLite file in WAL mode with {@code synchronous=FULL}, so a
 * write that returned survives a crash of the process or of the machine. Each port is a class of
 * its own over its tables ({@code SqliteUsers}, {@code SqliteRooms}, ...); they share the executor
 * and the change journal.
 *
 * <p>JDBC runs on platform threads ({@link SqliteExecutor}): one writer thread owns the only
 * writing connection, so writes are serialised and every multi-step change is one transaction;
 * a few reader threads own read-only connections. Callers on virtual threads wait on a future
 * and are never pinned by the JNI driver.
 */
public final class SqliteStore implements Store {
    private final SqliteExecutor db;
    private final SqliteSiteLog siteLog;
    private final Ports ports;

    private SqliteStore(SqliteExecutor db, boolean feed) {
        this.db = db;
        ChangeJournal journal = new ChangeJournal(db, feed);
        this.siteLog = new SqliteSiteLog(db, journal, this);
        this.ports = new Ports(
                new SqliteUsers(db, journal),
                new SqliteRooms(db, journal),
                new SqliteMessages(db, journal),
                new SqliteSecrets(db, journal),
                new SqliteSealedItems(db, journal),
                new SqliteBans(db, journal),
                new SqliteBreaches(journal),
                new SqliteGrants(db, journal),
                siteLog,
                new SqliteRoomCensus(db));
    }

    /** Opens (creating if needed) the database at {@code file} and brings its schema up to date. */
    public static SqliteStore open(Path file) {
        return open(file, false);
    }

    /** As {@link #open(Path)}; with {@code recordChanges}, every write also enters the change feed. */
    public static SqliteStore open(Path file, boolean recordChanges) {
        return new SqliteStore(SqliteExecutor.open(file, 2, Duration.ofSeconds(10), true), recordChanges);
    }

    /**
     * Opens a replica: the same schema and rules, but commits are not synced to disk, because a
     * replica is rebuilt from the log it follows after a crash, never trusted as a record.
     */
    public static SqliteStore openReplica(Path file) {
        return openReplica(file, false);
    }

    /** As {@link #openReplica(Path)}; with {@code recordChanges}, every write also enters the change feed. */
    public static SqliteStore openReplica(Path file, boolean recordChanges) {
        return new SqliteStore(SqliteExecutor.open(file, 2, Duration.ofSeconds(10), false), recordChanges);
    }

    @Override
    public Ports ports() {
        return ports;
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} (which must not exist): one
     * read transaction on a connection of its own, so it holds exactly the writes committed before
     * it started.
     */
    @Override
    public void copyTo(Path target) {
        db.onOwnConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toAbsolutePath().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every table that holds state, in a fixed order, for {@link #digest()}. */
    private static final List<String> TABLES = List.of(
            "users", "rooms", "members", "sealed_keys", "messages", "secrets", "bans", "agent_breaches", "grants");

    /**
     * The digest of every record, read in one transaction: rows of each table ordered by all their
     * columns, each value hashed with its type and length, so two stores with the same records have
     * the same digest whatever order they were written in.
     */
    @Override
    public Digest digest() {
        return db.onOwnConnection(c -> {
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            c.setAutoCommit(false); // one read transaction: every table as of the same moment
            for (String table : TABLES) {
                long n = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
                        ResultSet probe = ps.executeQuery()) {
                    int columns = probe.getMetaData().getColumnCount();
                    StringBuilder order = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        order.append(i == 1 ? "" : ", ").append(i);
                    }
                    try (PreparedStatement sorted =
                                    c.prepareStatement("SELECT * FROM " + table + " ORDER BY " + order);
                            ResultSet rs = sorted.executeQuery()) {
                        sha.update(table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        while (rs.next()) {
                            n++;
                            for (int i = 1; i <= columns; i++) {
                                Object v = rs.getObject(i);
                                byte[] bytes = v == null
                                        ? new byte[0]
                                        : v instanceof byte[] b
                                                ? b
                                                : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                                char type =
                                        v == null ? 'n' : v instanceof byte[] ? 'b' : v instanceof Number ? 'i' : 't';
                                sha.update((byte) type);
                                sha.update(java.nio.ByteBuffer.allocate(4)
                                        .putInt(bytes.length)
                                        .array());
                                sha.update(bytes);
                            }
                        }
                    }
                }
                counts.put(table, n);
            }
            return new Digest(
                    java.util.Collections.unmodifiableMap(counts),
                    java.util.HexFormat.of().formatHex(sha.digest()));
        });
    }

    /**
     * Makes this store, a consistent copy of a primary's, the start of a new backup (issue 7): its
     * watermark becomes the last change the copy holds, so the primary's feed goes on right after
     * it, and the copy's own feeds are emptied. Refused (CONFLICT) for a fenced primary's store.
     * Returns the watermark.
     */
    public long prepareAsBackup() {
        return siteLog.prepareAsBackup();
    }

    @Override
    public void close() {
        db.close();
    }
}
