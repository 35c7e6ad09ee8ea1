package dev.keyroom.store.sqlite;

import dev.keyroom.core.store.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * The change feed as the store's writes see it (REPL-2): with the feed on (a primary that feeds a
 * backup), a write that changed something records its {@link Change} in {@code change_feed} in the
 * same transaction, so the feed holds a change if and only if the store does; after the commit, the
 * site's worker is told. With the feed off, nothing is recorded.
 */
final class ChangeJournal {
    private final SqliteExecutor db;
    private final boolean on;
    private volatile Runnable onRecorded = () -> {};

    ChangeJournal(SqliteExecutor db, boolean on) {
        this.db = db;
        this.on = on;
    }

    boolean on() {
        return on;
    }

    /**
     * Runs {@code work} as one write; when {@code changed} says it changed something, {@code change}
     * enters the feed in the same transaction.
     */
    <T> T recorded(Change<?> change, Predicate<? super T> changed, SqliteExecutor.Work<T> work) {
        T r = db.write(c -> {
            T result = work.run(c);
            if (changed.test(result)) {
                record(c, change);
            }
            return result;
        });
        recordedOne();
        return r;
    }

    /** Records {@code change} inside the caller's transaction on {@code c}. */
    void record(Connection c, Change<?> change) throws SQLException {
        if (on) {
            Sql.update(
                    c,
                    "INSERT INTO change_feed (change, at) VALUES (?, ?)",
                    change.encode(),
                    System.currentTimeMillis());
        }
    }

    /** After a commit that may have recorded something: the worker wakes. */
    void recordedOne() {
        if (on) {
            onRecorded.run();
        }
    }

    void onRecorded(Runnable listener) {
        this.onRecorded = listener;
    }
}
