package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.store.Change;
import java.time.Instant;
import java.util.List;

/** {@link Bans} in the {@code bans} table. */
record SqliteBans(SqliteExecutor db, ChangeJournal journal) implements Bans {
    @Override
    public void put(Ban ban) {
        journal.recorded(
                new Change.PutBan(ban),
                r -> true,
                c -> update(
                        c,
                        "INSERT INTO bans (subject, until, reason) VALUES (?, ?, ?)"
                                + " ON CONFLICT (subject) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                        ban.subject(),
                        ban.until().toEpochMilli(),
                        ban.reason()));
    }

    @Override
    public List<Ban> active(Instant now) {
        return db.read(c -> all(
                c,
                "SELECT subject, until, reason FROM bans WHERE until > ? ORDER BY subject",
                rs -> new Ban(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)),
                now.toEpochMilli()));
    }

    @Override
    public boolean delete(String subject) {
        return journal.recorded(
                new Change.DeleteBan(subject),
                Boolean.TRUE::equals,
                c -> update(c, "DELETE FROM bans WHERE subject = ?", subject) == 1);
    }
}
