package dev.keyroom.store.nats;

import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.BlobEntry;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.core.store.Change;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link SiteLog} of a cluster site (issue 7): the feeds and the site epoch are the replica's,
 * written through the state stream, so every node's are the same whichever node sends them or
 * takes a primary's batch.
 */
record ReplicatedSiteLog(StateStream stream) implements SiteLog {
    /** The most a command of a primary's batch holds: NATS takes 1 MiB a message by default. */
    static final int MAX_BATCH_COMMAND_BYTES = 256 << 10;

    /** Commands of one batch in the stream at once, while this node applies the first. */
    static final int BATCH_COMMANDS_IN_FLIGHT = 4;

    private SiteLog replica() {
        return stream.replica().siteLog();
    }

    @Override
    public Site site() {
        stream.barrier();
        return replica().site();
    }

    @Override
    public Site promote(long fromEpoch, byte[] siteKey, Instant at) {
        return stream.write(new Change.Promote(fromEpoch, siteKey, at));
    }

    @Override
    public Site fence(long newerEpoch) {
        return stream.write(new Change.Fence(newerEpoch));
    }

    /**
     * On a cluster backup: applies a primary's batch as commands of at most {@value
     * #MAX_BATCH_COMMAND_BYTES} bytes each (at least one change), in order, each in one transaction
     * on every node; up to {@value #BATCH_COMMANDS_IN_FLIGHT} at once, so the stream replicates the
     * next while the nodes apply one. A refused part leaves the parts before it applied and every
     * part after it refused alike on every node (it no longer follows the watermark); the watermark
     * says how far.
     */
    @Override
    public long applyChanges(long epoch, long firstSeq, List<byte[]> changes) {
        ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
        long watermark = -1;
        int from = 0;
        do {
            int to = from;
            long bytes = 0;
            while (to < changes.size() && (to == from || bytes + changes.get(to).length <= MAX_BATCH_COMMAND_BYTES)) {
                bytes += changes.get(to).length;
                to++;
            }
            if (inFlight.size() == BATCH_COMMANDS_IN_FLIGHT) {
                watermark = Commands.await(inFlight.removeFirst());
            }
            inFlight.add(stream.submit(new Change.ApplyBatch(epoch, firstSeq + from, changes.subList(from, to))));
            from = to;
        } while (from < changes.size());
        while (!inFlight.isEmpty()) {
            watermark = Commands.await(inFlight.removeFirst());
        }
        return watermark;
    }

    @Override
    public long appliedChanges() {
        stream.barrier();
        return replica().appliedChanges();
    }

    /** What this node's replica has applied: what the feed holds by now, on any node a little later. */
    @Override
    public List<FeedEntry> changesAfter(long afterSeq, int limit) {
        return replica().changesAfter(afterSeq, limit);
    }

    @Override
    public long lastChange() {
        return replica().lastChange();
    }

    @Override
    public void forgetChangesUpTo(long seq) {
        stream.write(new Change.ForgetChanges(seq));
    }

    @Override
    public void recordBlob(RoomId room, String sha256, Instant at) {
        stream.write(new Change.RecordBlob(room, sha256, at));
    }

    @Override
    public List<BlobEntry> blobsToSend(int limit) {
        return replica().blobsToSend(limit);
    }

    @Override
    public long blobsWaiting() {
        return replica().blobsWaiting();
    }

    @Override
    public void forgetBlob(long seq) {
        stream.write(new Change.ForgetBlob(seq));
    }

    @Override
    public void onChangeRecorded(Runnable listener) {
        replica().onChangeRecorded(listener);
    }

    @Override
    public void onChange(ChangeEffects listener) {
        stream.listen(listener);
    }
}
