package dev.keyroom.store.sqlite;

import dev.keyroom.core.rooms.RoomId;
import java.time.Instant;
import java.util.List;

/**
 * A store as site replication sees it (issue 7): the site epoch, the change feed and the blob feed
 * a primary sends its backup, and the watermark of a backup. The embedded store is one; a cluster
 * node is another, whose feeds are the same tables in every node's replica, written through the
 * state stream so that every node agrees on them.
 */
public interface SiteFeed {
    SqliteStore.Site site();

    /** Promotes this backup to epoch {@code fromEpoch + 1} (REPL-7); see {@link SqliteStore#promote}. */
    SqliteStore.Site promote(long fromEpoch, byte[] siteKey, Instant at);

    /** Records that a site of {@code newerEpoch} exists; see {@link SqliteStore#fence}. */
    SqliteStore.Site fence(long newerEpoch);

    /** On a backup: applies a batch of the primary's feed (REPL-6); see {@link SqliteStore#applyChanges}. */
    long applyChanges(long epoch, long firstSeq, List<byte[]> changes);

    /** On a backup: the last change of the primary's feed applied (the watermark). */
    long appliedChanges();

    /** Recorded changes with a sequence above {@code afterSeq}, in order, at most {@code limit}. */
    List<SqliteStore.FeedEntry> changesAfter(long afterSeq, int limit);

    /** The sequence of the last recorded change; 0 before the first. */
    long lastChange();

    /** Drops recorded changes up to {@code seq} (the backup acknowledged them). */
    void forgetChangesUpTo(long seq);

    /** Records that {@code room}'s blob {@code sha256} is stored, for the backup. */
    void recordBlob(RoomId room, String sha256);

    List<SqliteStore.BlobEntry> blobsToSend(int limit);

    long blobsWaiting();

    void forgetBlob(long seq);

    /** Called after each change or blob is recorded, so a worker wakes at once. */
    void onChangeRecorded(Runnable listener);

    /**
     * Tells {@code listener} what the changes this node applies, not made through its services,
     * mean for its sessions, caches and bans: a primary's changes applied to this backup, once
     * committed; on a cluster node also every command of the state stream.
     */
    void onChange(ChangeEffects listener);
}
