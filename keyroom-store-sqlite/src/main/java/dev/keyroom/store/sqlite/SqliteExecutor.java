package dev.keyroom.store.sqlite;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Runs JDBC work on platform threads: one writer thread with the only writing connection (each
 * call one transaction), and a few reader threads with a read-only connection each. Every call
 * waits at most {@code timeout}; a timeout is reported as {@code overloaded}, any SQL failure as a
 * generic {@code internal} error whose cause (never shown to clients) holds the detail.
 */
final class SqliteExecutor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteExecutor.class);

    /** Schema migrations, applied in order, each once, each in its own transaction. */
    static final List<String> MIGRATIONS = List.of(
            "V001__users_rooms.sql",
            "V002__bans.sql",
            "V003__messages.sql",
            "V004__room_retention.sql",
            "V005__secrets.sql",
            "V006__change_feed.sql",
            "V007__site.sql",
            "V008__blob_feed.sql",
            "V009__grants.sql");

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final Duration timeout;
    /** Writes committed together at most; bounds the time a group holds the write lock. */
    static final int MAX_GROUP = 512;

    private final BlockingQueue<PendingWrite<?>> writes = new ArrayBlockingQueue<>(16_384);
    private final Thread writer;
    private volatile boolean closing;
    private final CompletableFuture<Void> migrated = new CompletableFuture<>();
    private final ExecutorService readers;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final List<Connection> opened = new CopyOnWriteArrayList<>();

    /** FULL for a store of record; OFF for a replica that is rebuilt from its log after a crash. */
    private final SQLiteConfig.SynchronousMode synchronous;

    private SqliteExecutor(Path file, int readerThreads, Duration timeout, boolean durable) {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        this.timeout = timeout;
        this.synchronous = durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.OFF;
        this.writer = threads("keyroom-sqlite-writer").newThread(() -> {
            try {
                migrate(connection(false));
                migrated.complete(null);
            } catch (SQLException | RuntimeException e) {
                migrated.completeExceptionally(e);
                return;
            }
            writeLoop();
        });
        this.readers = Executors.newFixedThreadPool(readerThreads, threads("keyroom-sqlite-reader"));
    }

    static SqliteExecutor open(Path file, int readerThreads, Duration timeout, boolean durable) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "cannot create the data directory", e);
        }
        SqliteExecutor ex = new SqliteExecutor(file, readerThreads, timeout, durable);
        try {
            ex.writer.start();
            ex.await(ex.migrated);
        } catch (RuntimeException e) {
            ex.close();
            throw e;
        }
        return ex;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The calling pool thread's own connection, opened on first use. */
    private Connection connection(boolean readOnly) throws SQLException {
        Connection c = connection.get();
        if (c == null) {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(synchronous);
            config.enforceForeignKeys(true);
            config.setBusyTimeout((int) timeout.toMillis());
            // Nothing here asks for generated keys; without this the driver matches every insert's
            // SQL and prepares a query for the last row id after it.
            config.setGetGeneratedKeys(false);
            c = DriverManager.getConnection(url, config.toProperties());
            if (readOnly) {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA query_only = true");
                }
            }
            if (!readOnly) {
                c.setAutoCommit(false);
            }
            connection.set(c);
            opened.add(c);
        }
        return c;
    }

    private void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    + "version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            c.commit();
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_migrations")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > MIGRATIONS.size()) {
                throw new KeyroomException(
                        ErrorCode.INTERNAL,
                        "the database schema (version " + current + ") is newer than this Keyroom (" + MIGRATIONS.size()
                                + "); upgrade Keyroom");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                String name = MIGRATIONS.get(v - 1);
                try {
                    for (String sql : statements(name)) {
                        st.executeUpdate(sql);
                    }
                    Sql.update(
                            c,
                            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%s','now'))",
                            v,
                            name);
                    c.commit();
                    log.info("applied schema migration {}", name);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            // Ends the transaction the version was read in: left open, it would hold that snapshot
            // until this store's first write, and a store that only reads (a second one on the file)
            // would keep every checkpoint from getting past it: the log would grow without bound.
            c.commit();
        }
    }

    private static List<String> statements(String name) {
        try (InputStream in = Objects.requireNonNull(
                SqliteExecutor.class.getResourceAsStream("/db/sqlite/" + name), "missing migration " + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.strip().startsWith("--")) {
                    sb.append(line).append('\n');
                }
            }
            return java.util.Arrays.stream(sb.toString().split(";"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + name, e);
        }
    }

    /**
     * Runs {@code work} on the writer thread and waits until it is durable: its own transaction as
     * far as anyone can tell (a savepoint, rolled back alone if it fails), committed together with
     * the writes queued beside it, so that one fsync serves a whole group (group commit). Nothing is
     * reported done before its commit returned.
     */
    <T> T write(Work<T> work) {
        return await(writeAsync(work));
    }

    /**
     * As {@link #write}, without waiting. The futures of one caller complete in the order it called,
     * on the writer thread, right after their commit; a write queued longer than the timeout fails
     * with {@code overloaded} and is then never run.
     */
    <T> CompletableFuture<T> writeAsync(Work<T> work) {
        if (Thread.currentThread() == writer) {
            return nested(work);
        }
        PendingWrite<T> w = new PendingWrite<>(work, new CompletableFuture<>());
        if (closing || !writes.offer(w)) {
            w.result.completeExceptionally(
                    new KeyroomException(ErrorCode.OVERLOADED, closing ? "storage is closing" : "storage is busy"));
        }
        return w.result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A write made by a write on the writer thread (a batch of changes applied as one): it runs at
     * once, inside the running transaction, in a savepoint of its own, so it fails alone and the
     * outer write decides whether the whole commits.
     */
    private <T> CompletableFuture<T> nested(Work<T> work) {
        try {
            Connection c = connection(false);
            // Prepared once: a batch of changes nests one write a change.
            Sql.update(c, "SAVEPOINT nested");
            try {
                T value = work.run(c);
                Sql.update(c, "RELEASE nested");
                return CompletableFuture.completedFuture(value);
            } catch (SQLException | RuntimeException e) {
                Sql.update(c, "ROLLBACK TO nested");
                Sql.update(c, "RELEASE nested");
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof KeyroomException ? e : Sql.storageFailure(e));
        }
    }

    private record PendingWrite<T>(Work<T> work, CompletableFuture<T> result) {
        /** Runs inside the group's transaction; false when it failed and was rolled back alone. */
        boolean run(Connection c, List<Runnable> onCommit) {
            try {
                Sql.update(c, "SAVEPOINT w");
                T value = work.run(c);
                Sql.update(c, "RELEASE w");
                onCommit.add(() -> result.complete(value));
                return true;
            } catch (SQLException | RuntimeException e) {
                try {
                    Sql.update(c, "ROLLBACK TO w");
                    Sql.update(c, "RELEASE w");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                result.completeExceptionally(e instanceof KeyroomException ? e : Sql.storageFailure(e));
                return false;
            }
        }
    }

    private void writeLoop() {
        List<PendingWrite<?>> group = new ArrayList<>(MAX_GROUP);
        List<Runnable> onCommit = new ArrayList<>(MAX_GROUP);
        while (true) {
            try {
                PendingWrite<?> first = writes.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                writes.drainTo(group, MAX_GROUP - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            commitGroup(group, onCommit);
            group.clear();
            onCommit.clear();
        }
    }

    private void commitGroup(List<PendingWrite<?>> group, List<Runnable> onCommit) {
        try {
            Connection c = connection(false);
            for (PendingWrite<?> w : group) {
                if (!w.result.isDone()) {
                    w.run(c, onCommit);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            log.atError().setCause(e).log("a group commit failed; none of its writes is stored");
            rollbackQuietly();
            for (PendingWrite<?> w : group) {
                w.result.completeExceptionally(Sql.storageFailure(e));
            }
            return;
        }
        for (Runnable r : onCommit) {
            r.run();
        }
    }

    private void rollbackQuietly() {
        try {
            connection(false).rollback();
        } catch (SQLException | RuntimeException e) {
            log.atError().setCause(e).log("rollback after a failed group commit failed");
        }
    }

    /**
     * Runs {@code work} on a connection of its own, opened for it and closed after, in autocommit
     * mode, on the calling thread: for rare whole-database work (copies, digests) that must not hold
     * the writer or a reader for long.
     */
    <T> T onOwnConnection(Work<T> work) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout((int) timeout.toMillis());
        try (Connection c = DriverManager.getConnection(url, config.toProperties())) {
            T value = work.run(c);
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return value;
        } catch (SQLException e) {
            throw Sql.storageFailure(e);
        }
    }

    /** Runs {@code work} on a reader thread. */
    <T> T read(Work<T> work) {
        return await(readers.submit((Callable<T>) () -> work.run(connection(true))));
    }

    private <T> T await(Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new KeyroomException(ErrorCode.OVERLOADED, "storage is busy", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new KeyroomException(ErrorCode.OVERLOADED, "interrupted while waiting for storage", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KeyroomException k) {
                throw k;
            }
            throw Sql.storageFailure(e.getCause());
        }
    }

    @Override
    public void close() {
        closing = true;
        readers.shutdown();
        try {
            writer.join(timeout.toMillis());
            readers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : opened) {
            Sql.forget(c);
            try {
                c.close();
            } catch (SQLException e) {
                log.warn("closing a SQLite connection failed", e);
            }
        }
    }
}
