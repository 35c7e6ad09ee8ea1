package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.all;
import static dev.keyroom.store.sqlite.Sql.exists;
import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.BlobEntry;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.store.Effects;
import dev.keyroom.core.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SiteLog} in the {@code site}, {@code change_feed}, {@code blob_feed} and {@code
 * feed_watermark} tables. A backup's batch applies through the store's own ports, inside one
 * transaction with the new watermark (a write made on the writer thread nests).
 */
final class SqliteSiteLog implements SiteLog {
    private static final Logger log = LoggerFactory.getLogger(SqliteSiteLog.class);
    private static final String LAST_CHANGE =
            "SELECT coalesce(max(seq), (SELECT seq FROM sqlite_sequence WHERE name = 'change_feed'), 0)"
                    + " FROM change_feed";

    private final SqliteExecutor db;
    private final ChangeJournal journal;
    private final Store store;
    /** Told what each change applied from a primary's batch means for live sessions. */
    private final List<ChangeEffects> effectListeners = new CopyOnWriteArrayList<>();

    SqliteSiteLog(SqliteExecutor db, ChangeJournal journal, Store store) {
        this.db = db;
        this.journal = journal;
        this.store = store;
    }

    // ---- the site epoch (REPL-7)

    @Override
    public Site site() {
        return db.read(SqliteSiteLog::site);
    }

    private static Site site(Connection c) throws SQLException {
        return first(c, "SELECT epoch, promoted_key, promoted_at, fenced_by FROM site WHERE id = 1", rs -> {
                    long at = rs.getLong(3);
                    Optional<Instant> promotedAt =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(at));
                    return new Site(rs.getLong(1), Optional.ofNullable(rs.getBytes(2)), promotedAt, rs.getLong(4));
                })
                .orElseThrow();
    }

    @Override
    public Site promote(long fromEpoch, byte[] siteKey, Instant at) {
        return db.write(c -> {
            Site now = site(c);
            if (now.fenced()) {
                throw KeyroomException.conflict("this site was fenced by site epoch " + now.fencedBy());
            }
            if (now.epoch() != fromEpoch) {
                throw KeyroomException.conflict("this site is at epoch " + now.epoch() + ", not " + fromEpoch);
            }
            update(
                    c,
                    "UPDATE site SET epoch = ?, promoted_key = ?, promoted_at = ? WHERE id = 1",
                    fromEpoch + 1,
                    siteKey,
                    at.getEpochSecond());
            long watermark = watermark(c);
            update(c, "DELETE FROM sqlite_sequence WHERE name = 'change_feed' AND seq < ?", watermark);
            if (!exists(c, "SELECT 1 FROM sqlite_sequence WHERE name = 'change_feed'")) {
                update(c, "INSERT INTO sqlite_sequence (name, seq) VALUES ('change_feed', ?)", watermark);
            }
            return site(c);
        });
    }

    @Override
    public Site fence(long newerEpoch) {
        return db.write(c -> {
            update(
                    c,
                    "UPDATE site SET fenced_by = ? WHERE id = 1 AND epoch < ? AND coalesce(fenced_by, 0) < ?",
                    newerEpoch,
                    newerEpoch,
                    newerEpoch);
            return site(c);
        });
    }

    // ---- a backup: the primary's batches (REPL-6)

    @Override
    public long appliedChanges() {
        return db.read(SqliteSiteLog::watermark);
    }

    private static long watermark(Connection c) throws SQLException {
        return first(c, "SELECT applied FROM feed_watermark WHERE id = 1", rs -> rs.getLong(1))
                .orElse(0L);
    }

    @Override
    public long applyChanges(long epoch, long firstSeq, List<byte[]> changes) {
        List<Consumer<ChangeEffects>> applied = new ArrayList<>();
        long done = db.write(c -> {
            applied.clear(); // nothing of a try that did not commit
            long siteEpoch = site(c).epoch();
            if (epoch < siteEpoch) {
                throw KeyroomException.conflict("a batch of site epoch " + epoch + ": this site is at epoch "
                        + siteEpoch + ", a newer primary was promoted");
            }
            if (epoch > siteEpoch) {
                throw KeyroomException.conflict("a batch of site epoch " + epoch + ": this backup follows epoch "
                        + siteEpoch + "; start it from a copy of the current primary's store");
            }
            long watermark = watermark(c);
            if (firstSeq > watermark + 1) {
                throw KeyroomException.conflict("gap: this backup holds changes up to " + watermark);
            }
            long seq = firstSeq;
            for (byte[] bytes : changes) {
                if (seq > watermark) {
                    applied.add(applyOne(seq, bytes));
                }
                seq++;
            }
            long now = Math.max(watermark, seq - 1);
            update(c, "UPDATE feed_watermark SET applied = ? WHERE id = 1", now);
            return now;
        });
        // Committed: what the changes mean for this node's sessions (a removed member's, a revoked identity's).
        for (Consumer<ChangeEffects> effect : applied) {
            for (ChangeEffects l : effectListeners) {
                try {
                    effect.accept(l);
                } catch (RuntimeException e) {
                    log.atWarn().setCause(e).log("a listener of applied changes failed");
                }
            }
        }
        return done;
    }

    /** Applies change {@code seq} of a batch, on the writer thread, inside the batch's transaction. */
    private Consumer<ChangeEffects> applyOne(long seq, byte[] bytes) {
        Change<?> change;
        try {
            change = Change.decode(bytes);
        } catch (IOException e) {
            throw KeyroomException.badRequest("change " + seq + " does not read: " + e.getMessage());
        }
        if (change.siteBookkeeping()) {
            throw KeyroomException.badRequest("change " + seq + " is a site's own bookkeeping");
        }
        Object outcome = change.applyTo(store);
        // The primary recorded it because it changed something; here it must too.
        if (Boolean.FALSE.equals(outcome)
                || (outcome instanceof RekeyOutcome r && !(r instanceof RekeyOutcome.Rekeyed))) {
            throw KeyroomException.conflict(
                    "change " + seq + " did not apply as it did on the primary (" + outcome + ")");
        }
        return Effects.of(change, outcome, true);
    }

    @Override
    public void onChange(ChangeEffects listener) {
        effectListeners.add(listener);
    }

    /** See {@link SqliteStore#prepareAsBackup()}. */
    long prepareAsBackup() {
        return db.write(c -> {
            Site site = site(c);
            if (site.fenced()) {
                throw KeyroomException.conflict("this store belonged to a primary fenced by site epoch "
                        + site.fencedBy() + ": seed the backup from the new primary");
            }
            long last = first(c, LAST_CHANGE, rs -> rs.getLong(1)).orElse(0L);
            update(c, "UPDATE feed_watermark SET applied = ? WHERE id = 1", last);
            // A promotion of the primary's is its own: this store starts a backup.
            update(c, "UPDATE site SET promoted_key = NULL, promoted_at = NULL WHERE id = 1");
            update(c, "DELETE FROM change_feed");
            update(c, "DELETE FROM blob_feed");
            return last;
        });
    }

    // ---- a primary: the change feed and the blob outbox (REPL-2)

    @Override
    public List<FeedEntry> changesAfter(long afterSeq, int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, change, at FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?",
                rs -> new FeedEntry(rs.getLong(1), rs.getBytes(2), Instant.ofEpochMilli(rs.getLong(3))),
                afterSeq,
                limit));
    }

    @Override
    public long lastChange() {
        return db.read(c -> first(c, LAST_CHANGE, rs -> rs.getLong(1)).orElse(0L));
    }

    @Override
    public void forgetChangesUpTo(long seq) {
        db.write(c -> update(c, "DELETE FROM change_feed WHERE seq <= ?", seq));
    }

    @Override
    public void recordBlob(RoomId room, String sha256, Instant at) {
        if (!journal.on()) {
            return;
        }
        db.write(c -> update(
                c,
                "INSERT INTO blob_feed (room, sha256, at) VALUES (?, ?, ?)",
                room.value(),
                sha256,
                at.toEpochMilli()));
        journal.recordedOne();
    }

    @Override
    public List<BlobEntry> blobsToSend(int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, room, sha256, at FROM blob_feed ORDER BY seq LIMIT ?",
                rs -> new BlobEntry(
                        rs.getLong(1),
                        RoomId.parse(rs.getString(2)),
                        rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))),
                limit));
    }

    @Override
    public long blobsWaiting() {
        return db.read(c ->
                first(c, "SELECT count(*) FROM blob_feed", rs -> rs.getLong(1)).orElse(0L));
    }

    @Override
    public void forgetBlob(long seq) {
        db.write(c -> update(c, "DELETE FROM blob_feed WHERE seq = ?", seq));
    }

    @Override
    public void onChangeRecorded(Runnable listener) {
        journal.onRecorded(listener);
    }
}
