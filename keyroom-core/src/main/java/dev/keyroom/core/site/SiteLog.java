package dev.keyroom.core.site;

import dev.keyroom.core.rooms.RoomId;
import java.time.Instant;
import java.util.List;

/**
 * A store as site replication sees it (REPL-2, REPL-6, REPL-7): the site epoch; on a primary that
 * feeds a backup, the change feed (every write of the store, recorded in the same transaction, with
 * a monotonic sequence) and the blob outbox; on a backup, the atomic apply of a primary's batch and
 * its watermark. The embedded store keeps them in its database; a cluster keeps them in every node's
 * replica, written through the state stream so that every node agrees.
 *
 * <p>The guarantees and errors of {@code Store} hold. Without the feed (a site with no backup),
 * nothing is recorded and the feed reads empty.
 */
public interface SiteLog {
    Site site();

    /**
     * Promotes this backup to epoch {@code fromEpoch + 1} with {@code siteKey}, in one transaction:
     * CONFLICT when the site is not at {@code fromEpoch} or is fenced. The feed's sequence goes on
     * from the watermark, so a backup started from a copy of this store follows on from it.
     */
    Site promote(long fromEpoch, byte[] siteKey, Instant at);

    /**
     * Records that a site of a higher epoch exists (a primary learnt it from its backup): this site
     * is fenced from then on, also after a restart. A lower or equal epoch changes nothing.
     */
    Site fence(long newerEpoch);

    /**
     * On a backup: applies changes {@code firstSeq}, {@code firstSeq + 1}, ... of a primary's feed,
     * all in one transaction with the new watermark: changes at or below the watermark are skipped,
     * so a batch applied twice changes nothing; a batch that starts after the watermark plus one is
     * a gap and is refused (CONFLICT naming the watermark) with nothing applied; a change that does
     * not read, or does not apply as it did on the primary, refuses the whole batch. Only a batch of
     * this site's epoch applies. Returns the new watermark.
     */
    long applyChanges(long epoch, long firstSeq, List<byte[]> changes);

    /** On a backup: the last change of the primary's feed applied (the watermark). */
    long appliedChanges();

    /** Recorded changes with a sequence above {@code afterSeq}, in order, at most {@code limit}. */
    List<FeedEntry> changesAfter(long afterSeq, int limit);

    /** The sequence of the last recorded change; 0 before the first. */
    long lastChange();

    /** Drops recorded changes up to {@code seq} (the backup acknowledged them); sequences are never reused. */
    void forgetChangesUpTo(long seq);

    /** Records that {@code room}'s blob {@code sha256} is stored (again), for the backup. */
    void recordBlob(RoomId room, String sha256, Instant at);

    /** The oldest blobs not yet held by the backup, at most {@code limit}. */
    List<BlobEntry> blobsToSend(int limit);

    /** How many blobs wait for the backup. */
    long blobsWaiting();

    /** The backup holds the blob at {@code seq} (or it cannot be sent): it leaves the blob outbox. */
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
