package dev.keyroom.server.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.protocol.replication.ReplicationBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The change feed's sender: takes batches of changes from the feed and sends them, signed, on a
 * stream to the backup ({@link ChangeStream}, ADR 0004), and forgets changes only once the backup
 * acknowledged them. When the backup answers with its watermark (a gap, a retry after a lost
 * answer) the next round resumes from there.
 */
final class ChangeSender {
    /** The most a batch grows to under load, in changes and in bytes (below the backup's body cap). */
    static final int MAX_BATCH = 20_000;

    static final int MAX_BATCH_BYTES = 16 << 20;

    /** Batches sent on the stream and not answered yet, at most. */
    static final int IN_FLIGHT = 2;

    /** A batch sent on the stream, waiting for its answer. */
    private record InFlight(long firstSeq, long lastSeq, int size, long sentAt, CompletableFuture<String> answer) {}

    private final SiteLog store;
    private final BackupLink link;
    private final SiteSigner signer;
    /** The last change the backup acknowledged. */
    private final AtomicLong acked = new AtomicLong();

    private volatile long lastBatchChanges;
    private volatile long lastBatchMillis;
    /** The stream to the backup while one is open; the worker's thread's own. */
    private ChangeStream stream;

    ChangeSender(SiteLog store, BackupLink link, SiteSigner signer) {
        this.store = store;
        this.link = link;
        this.signer = signer;
    }

    /** What the backup acknowledged, as the feed shows it: the changes before the first one kept. */
    void resync() {
        List<FeedEntry> first = store.changesAfter(0, 1);
        acked.set(first.isEmpty() ? store.lastChange() : first.getFirst().seq() - 1);
    }

    /** The last change the backup acknowledged. */
    long acknowledged() {
        return acked.get();
    }

    /** Changes recorded and not yet acknowledged. */
    long pending() {
        return Math.max(0, store.lastChange() - acked.get());
    }

    /** Changes in the last batch the backup took, and how long sending and applying it took. */
    long lastBatchChanges() {
        return lastBatchChanges;
    }

    long lastBatchMillis() {
        return lastBatchMillis;
    }

    void closeStream() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    /**
     * The next batch: {@value ReplicationWorker#BATCH} changes, or, when more are waiting, all that
     * are (up to {@value #MAX_BATCH} changes and {@value #MAX_BATCH_BYTES} bytes).
     */
    List<FeedEntry> takeBatch() {
        return takeBatch(acked.get());
    }

    /** As {@link #takeBatch()}, of the changes after {@code afterSeq}. */
    private List<FeedEntry> takeBatch(long afterSeq) {
        List<FeedEntry> out = new java.util.ArrayList<>(store.changesAfter(afterSeq, ReplicationWorker.BATCH));
        long bytes = out.stream().mapToLong(e -> e.change().length).sum();
        while (out.size() >= ReplicationWorker.BATCH && out.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
            List<FeedEntry> more = store.changesAfter(out.getLast().seq(), 1000);
            if (more.isEmpty()) {
                break;
            }
            for (FeedEntry e : more) {
                if (out.size() >= MAX_BATCH || bytes + e.change().length > MAX_BATCH_BYTES) {
                    return out;
                }
                out.add(e);
                bytes += e.change().length;
            }
        }
        return out;
    }

    /**
     * Sends the changes waiting on the stream (opened when needed), {@code first} first, keeping up
     * to {@value #IN_FLIGHT} batches in flight, so the next is on its way while the backup applies
     * one; for about a second at most, so blobs and audit entries get their turn. Each answer
     * moves the acknowledged sequence on; an answer that puts the backup elsewhere than the batch
     * assumed (a gap) drops the batches after it, and the next round resumes from the backup.
     */
    void send(List<FeedEntry> first) throws IOException, InterruptedException {
        if (stream == null || !stream.isOpen()) {
            stream = ChangeStream.open(link.http(), link.backup(), Duration.ofSeconds(10));
        }
        java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
        long until = System.nanoTime() + ReplicationWorker.PACE.toNanos();
        List<FeedEntry> next = first;
        while (true) {
            if (!next.isEmpty() && inFlight.size() < IN_FLIGHT && System.nanoTime() < until) {
                inFlight.add(new InFlight(
                        next.getFirst().seq(),
                        next.getLast().seq(),
                        next.size(),
                        System.nanoTime(),
                        stream.sendAsync(frame(next), Duration.ofSeconds(30))));
                next = takeBatch(next.getLast().seq());
                continue;
            }
            InFlight sent = inFlight.poll();
            if (sent == null) {
                return;
            }
            long watermark = watermark(stream.answer(sent.answer(), Duration.ofSeconds(60)), sent.firstSeq());
            lastBatchChanges = sent.size();
            lastBatchMillis = (System.nanoTime() - sent.sentAt()) / 1_000_000;
            if (watermark > acked.get()) {
                store.forgetChangesUpTo(watermark);
                acked.set(watermark);
            }
            if (watermark != sent.lastSeq()) {
                closeStream(); // the batches after it assumed otherwise
                return;
            }
            if (next.isEmpty() && inFlight.isEmpty() && System.nanoTime() < until) {
                next = takeBatch(watermark);
            }
        }
    }

    /** A batch of changes as a stream message: the site key, the signature and the signed body. */
    private byte[] frame(List<FeedEntry> batch) {
        ReplicationBatch.Signed signed = signer.sign(
                ReplicationBatch.Feed.CHANGES,
                batch.getFirst().seq(),
                batch.stream().map(FeedEntry::change).toList(),
                Math.max(batch.getLast().seq(), store.lastChange()));
        byte[] signature = Base64Url.decode(signed.signature(), "signature");
        byte[] key = signer.key().signPub();
        byte[] frame = new byte[key.length + signature.length + signed.body().length];
        System.arraycopy(key, 0, frame, 0, key.length);
        System.arraycopy(signature, 0, frame, key.length, signature.length);
        System.arraycopy(signed.body(), 0, frame, key.length + signature.length, signed.body().length);
        return frame;
    }

    /** The backup's watermark from its answer to a batch that started at {@code firstSeq}. */
    private long watermark(String answer, long firstSeq) throws IOException {
        JsonNode json = link.heard(answer, -1);
        JsonNode status = json.get("status");
        long watermark = link.position(
                status == null ? 500 : status.asInt(), json, firstSeq, "watermark", ReplicationBatch.Feed.CHANGES);
        if (watermark < acked.get()) {
            throw new IOException("the backup is back at change " + watermark + ", before the " + acked.get()
                    + " it acknowledged: start it again from a copy of this site's store");
        }
        return watermark;
    }
}
