package dev.keyroom.server.audit;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in the data directory: {@code audit/audit.log} (entries) and {@code
 * audit/checkpoints.log}, both 0600, in the format of {@link AuditChain}. One writer thread
 * appends entries in the order they were queued and completes each caller once its bytes are
 * written; a second thread fsyncs in the background and, every {@code checkpointEvery} entries or
 * {@code checkpointInterval}, signs a checkpoint with the server's key. A write or sync failure
 * puts the log in a failed state: from then on every {@link #record} raises {@code
 * AUDIT_UNAVAILABLE} until the node is restarted on a writable disk.
 *
 * <p>Its parts: {@link AuditFileRecovery} (the files at start), {@link AuditWriter} (the writer
 * thread and its queue), {@link AuditSyncer} and {@link AuditCheckpoints} (the sync thread and
 * what it signs), {@link AuditLogState} (what the two threads share: the last entry written, the
 * failed state) and {@link AuditLineIndex} (reading entries back).
 */
public final class FileAuditLog implements AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(FileAuditLog.class);

    /** Bounds of the request path's wait. */
    public record Settings(
            int queueCapacity,
            Duration enqueueWait,
            Duration writeWait,
            int checkpointEvery,
            Duration checkpointInterval) {
        public static final Settings DEFAULT =
                new Settings(8192, Duration.ofMillis(250), Duration.ofSeconds(2), 1000, Duration.ofSeconds(60));
    }

    /** Opens the files the log writes; tests substitute a channel that fails on demand. */
    @FunctionalInterface
    public interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    /** Where the checkpoint signing key comes from: lent to the log, which never closes it. */
    @FunctionalInterface
    public interface SignerSource {
        Identity load() throws IOException;
    }

    public static final Opener FILES = f -> FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    /** Told of each batch of entries right after it is written, on the writer's thread: must not block. */
    @FunctionalInterface
    public interface WrittenListener {
        void written(long firstSeq, List<String> lines);
    }

    private final Settings settings;
    private final FileChannel channel;
    private final FileChannel checkpointFile;
    private final AuditLogState state;
    private final AuditLineIndex index;
    private final AuditCheckpoints checkpoints;
    private final AuditWriter writer;
    private final AuditSyncer syncer;

    private FileAuditLog(
            Path dir, SignerSource signer, Clock clock, Settings settings, Opener opener, AuditLogState.Link last)
            throws IOException {
        Path file = dir.resolve("audit.log");
        this.settings = settings;
        this.state = new AuditLogState(last);
        this.index = new AuditLineIndex(file);
        this.channel = opener.open(file);
        this.checkpointFile = opener.open(dir.resolve("checkpoints.log"));
        this.checkpoints = new AuditCheckpoints(checkpointFile, signer, clock, settings, last);
        this.writer = new AuditWriter(channel, clock, state, index, settings.queueCapacity());
        this.syncer = new AuditSyncer(channel, checkpoints, writer, state);
    }

    /**
     * Opens (creating) the log in {@code dir}, continuing its chain. The key that signs checkpoints
     * is loaded from {@code signer} at the first checkpoint, and closed with the log. An incomplete last line, left
     * by a crash in the middle of a write, is cut off; a last entry whose hash does not match is
     * refused (the node does not start on a log it cannot extend honestly).
     */
    public static FileAuditLog open(Path dir, SignerSource signer, Clock clock, Settings settings, Opener opener)
            throws IOException {
        FileAuditLog l = new FileAuditLog(dir, signer, clock, settings, opener, AuditFileRecovery.recover(dir));
        l.writer.start();
        l.syncer.start();
        return l;
    }

    @Override
    public void record(AuditEvent event) {
        requireAvailable();
        AuditWriter.Pending p = new AuditWriter.Pending(event, new CompletableFuture<>());
        try {
            if (!writer.offer(p, settings.enqueueWait().toMillis())) {
                throw AuditLogState.unavailable("the audit queue stayed full", null);
            }
            p.written().get(settings.writeWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AuditLogState.unavailable("interrupted while auditing", e);
        } catch (TimeoutException e) {
            throw AuditLogState.unavailable("the audit log did not write in time", e);
        } catch (ExecutionException e) {
            throw AuditLogState.unavailable("the audit log cannot be written", e.getCause());
        }
    }

    @Override
    public void requireAvailable() {
        state.requireAvailable();
    }

    /** Entries with a seq above {@code afterSeq}, at most {@code limit}, read from the file. */
    @Override
    public List<AuditChain.Entry> after(long afterSeq, int limit) {
        List<AuditChain.Entry> out = new ArrayList<>();
        for (String line : linesAfter(afterSeq, limit)) {
            try {
                out.add(AuditChain.parse(line));
            } catch (AuditChain.FormatException e) {
                throw new KeyroomException(ErrorCode.INTERNAL, "cannot read the audit log", e);
            }
        }
        return out;
    }

    /** The stored lines (without their newline) of the entries with a seq above {@code afterSeq}. */
    public List<String> linesAfter(long afterSeq, int limit) {
        return index.linesAfter(afterSeq, limit);
    }

    public void onWritten(WrittenListener l) {
        writer.onWritten(l);
    }

    /** The seq of the last entry written. */
    public long writtenSeq() {
        return state.writtenSeq();
    }

    @Override
    public long lastSeq() {
        return writtenSeq();
    }

    @Override
    public void close() {
        state.closing();
        try {
            writer.join(5000);
            state.wakeAll();
            syncer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
            checkpointFile.close();
        } catch (IOException e) {
            log.atWarn().setCause(e).log("closing the audit log failed");
        }
    }
}
