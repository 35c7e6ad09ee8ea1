package dev.keyroom.server.audit;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writer thread: appends the entries queued, in the order they were queued and in
 * batches, each a line of the hash chain, and completes each caller once its bytes are written
 * (synced soon after by {@link AuditSyncer}). A write failure puts the log in the failed state.
 */
final class AuditWriter {
    /** Logs under the audit log's name, as the log did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(FileAuditLog.class);

    /** An entry queued, and its caller's wait until it is written. */
    record Pending(AuditEvent event, CompletableFuture<Void> written) {}

    private final FileChannel channel;
    private final Clock clock;
    private final AuditLogState state;
    private final AuditLineIndex index;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile FileAuditLog.WrittenListener listener = (first, lines) -> {};
    /** The file's length after the last write; the writer's own. */
    private long writtenBytes = -1;

    AuditWriter(FileChannel channel, Clock clock, AuditLogState state, AuditLineIndex index, int queueCapacity) {
        this.channel = channel;
        this.clock = clock;
        this.state = state;
        this.index = index;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = Thread.ofPlatform().name("keyroom-audit-writer").daemon().unstarted(this::writeLoop);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code p}, waiting up to {@code millis} for room; whether it was queued. */
    boolean offer(Pending p, long millis) throws InterruptedException {
        return queue.offer(p, millis, TimeUnit.MILLISECONDS);
    }

    void onWritten(FileAuditLog.WrittenListener l) {
        this.listener = l;
    }

    /** Whether the writer stopped with nothing left queued (the log is closing). */
    boolean drained() {
        return queue.isEmpty() && !thread.isAlive();
    }

    /** Waits up to {@code millis} for the writer to stop. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (state.isClosing()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 511);
            } catch (InterruptedException e) {
                return;
            }
            writeBatch(batch);
            batch.clear();
        }
    }

    private void writeBatch(List<Pending> batch) {
        Throwable failure = state.failure();
        if (failure != null) {
            for (Pending p : batch) {
                p.written().completeExceptionally(failure);
            }
            return;
        }
        StringBuilder text = new StringBuilder(batch.size() * 256);
        AuditLogState.Link last = state.written();
        long seq = last.seq();
        String hash = last.hash();
        String time = clock.now().toString();
        List<String> lines = new ArrayList<>(batch.size());
        long firstSeq = seq + 1;
        for (Pending p : batch) {
            AuditEvent e = p.event();
            seq++;
            String line = AuditChain.line(seq, time, e, hash);
            hash = line.substring(line.length() - 66, line.length() - 2);
            text.append(line).append('\n');
            lines.add(line);
        }
        try {
            if (writtenBytes < 0) {
                writtenBytes = channel.size();
            }
            long offset = index.written(firstSeq, lines, writtenBytes);
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            writtenBytes = offset;
        } catch (IOException | RuntimeException e) {
            state.fail(e);
            for (Pending p : batch) {
                p.written().completeExceptionally(e);
            }
            return;
        }
        state.advance(seq, hash);
        for (Pending p : batch) {
            p.written().complete(null);
        }
        try {
            listener.written(firstSeq, lines);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("an audit listener failed");
        }
    }
}
