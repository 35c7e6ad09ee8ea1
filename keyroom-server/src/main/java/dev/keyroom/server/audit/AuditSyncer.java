package dev.keyroom.server.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The audit log's sync thread: fsyncs what the writer wrote in the background, at most once every
 * {@value #SYNC_INTERVAL_MILLIS} ms, and has the {@link AuditCheckpoints} signed as they fall due.
 * A sync failure puts the log in the failed state. It stops once the log is closing and everything
 * written is synced, on a final checkpoint.
 */
final class AuditSyncer {
    /** Written entries reach the disk within about this long. */
    static final long SYNC_INTERVAL_MILLIS = 20;

    private final FileChannel channel;
    private final AuditCheckpoints checkpoints;
    private final AuditWriter writer;
    private final AuditLogState state;
    private final Thread thread;
    /** The syncer's own: what is fsynced. */
    private long syncedSeq;

    private String syncedHash;

    AuditSyncer(FileChannel channel, AuditCheckpoints checkpoints, AuditWriter writer, AuditLogState state) {
        this.channel = channel;
        this.checkpoints = checkpoints;
        this.writer = writer;
        this.state = state;
        AuditLogState.Link start = state.written();
        this.syncedSeq = start.seq();
        this.syncedHash = start.hash();
        this.thread = Thread.ofPlatform().name("keyroom-audit-sync").daemon().unstarted(this::syncLoop);
    }

    void start() {
        thread.start();
    }

    /** Waits up to {@code millis} for the syncer to stop. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void syncLoop() {
        while (true) {
            AuditLogState.Link written;
            try {
                // At most one fsync per interval: under load, syncing back to back would compete
                // with the writer for the file for no gain in what a crash can lose.
                written = state.awaitWritten(syncedSeq, 50, SYNC_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (written.seq() != syncedSeq) {
                try {
                    channel.force(false);
                    syncedSeq = written.seq();
                    syncedHash = written.hash();
                    checkpoints.maybeCheckpoint(written.seq(), written.hash(), state.isClosing());
                } catch (IOException | RuntimeException e) {
                    state.fail(e);
                }
            }
            if (state.isClosing() && writer.drained() && syncedSeq == state.writtenSeq()) {
                if (state.failure() == null) {
                    try {
                        checkpoints.maybeCheckpoint(
                                syncedSeq, syncedHash, state.isClosing()); // a clean stop always ends on a checkpoint
                    } catch (IOException | RuntimeException e) {
                        state.fail(e);
                    }
                }
                return;
            }
        }
    }
}
