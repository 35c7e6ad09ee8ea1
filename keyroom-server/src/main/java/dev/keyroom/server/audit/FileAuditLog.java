package dev.keyroom.server.audit;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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

    /** Where the checkpoint signing key comes from. */
    @FunctionalInterface
    public interface SignerSource {
        Identity load() throws IOException;
    }

    public static final Opener FILES = f -> FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private record Pending(AuditEvent event, CompletableFuture<Void> written) {}

    /** Written entries reach the disk within about this long. */
    static final long SYNC_INTERVAL_MILLIS = 20;

    private final Path file;
    private final Path checkpointFile;
    private final SignerSource signerSource;
    /** Loaded by the sync thread at the first checkpoint, so that start does not wait for it. */
    private Identity signer;

    private final Clock clock;
    private final Settings settings;
    private final FileChannel channel;
    private final FileChannel checkpoints;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private final Thread syncer;
    private final Object syncLock = new Object();
    private volatile Throwable failure;
    private volatile boolean closing;
    /** The chain's last written entry: set by the writer, read by the syncer; guarded by syncLock. */
    private long writtenSeq;

    private String writtenHash;
    /** The syncer's own: what is fsynced and what is checkpointed. */
    private long syncedSeq;

    private String syncedHash;
    private long checkpointedSeq;
    private long lastCheckpointNanos = System.nanoTime();

    private FileAuditLog(
            Path dir, SignerSource signer, Clock clock, Settings settings, Opener opener, long lastSeq, String lastHash)
            throws IOException {
        this.file = dir.resolve("audit.log");
        this.checkpointFile = dir.resolve("checkpoints.log");
        this.signerSource = signer;
        this.clock = clock;
        this.settings = settings;
        this.writtenSeq = lastSeq;
        this.writtenHash = lastHash;
        this.syncedSeq = lastSeq;
        this.syncedHash = lastHash;
        this.checkpointedSeq = lastSeq;
        this.channel = opener.open(file);
        this.checkpoints = opener.open(checkpointFile);
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = Thread.ofPlatform().name("keyroom-audit-writer").daemon().unstarted(this::writeLoop);
        this.syncer = Thread.ofPlatform().name("keyroom-audit-sync").daemon().unstarted(this::syncLoop);
    }

    /**
     * Opens (creating) the log in {@code dir}, continuing its chain. The key that signs checkpoints
     * is loaded from {@code signer} at the first checkpoint, and closed with the log. An incomplete last line, left
     * by a crash in the middle of a write, is cut off; a last entry whose hash does not match is
     * refused (the node does not start on a log it cannot extend honestly).
     */
    public static FileAuditLog open(Path dir, SignerSource signer, Clock clock, Settings settings, Opener opener)
            throws IOException {
        FileAuditLog l = create(dir, signer, clock, settings, opener);
        l.writer.start();
        l.syncer.start();
        return l;
    }

    private static FileAuditLog create(Path dir, SignerSource signer, Clock clock, Settings settings, Opener opener)
            throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        for (String name : List.of("audit.log", "checkpoints.log")) {
            Path f = dir.resolve(name);
            if (!Files.exists(f)) {
                Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            cutIncompleteLastLine(f);
        }
        long seq = 0;
        String hash = AuditChain.GENESIS;
        String last = lastLine(dir.resolve("audit.log"));
        if (last != null) {
            try {
                AuditChain.Entry e = AuditChain.parse(last);
                seq = e.seq();
                hash = e.hash();
            } catch (AuditChain.FormatException e) {
                throw new IOException("the last audit entry does not verify (" + e.getMessage()
                        + "); run keyroom audit verify on this data directory");
            }
        }
        return new FileAuditLog(dir, signer, clock, settings, opener, seq, hash);
    }

    @Override
    public void record(AuditEvent event) {
        requireAvailable();
        Pending p = new Pending(event, new CompletableFuture<>());
        try {
            if (!queue.offer(p, settings.enqueueWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw unavailable("the audit queue stayed full", null);
            }
            p.written().get(settings.writeWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while auditing", e);
        } catch (TimeoutException e) {
            throw unavailable("the audit log did not write in time", e);
        } catch (ExecutionException e) {
            throw unavailable("the audit log cannot be written", e.getCause());
        }
    }

    @Override
    public void requireAvailable() {
        if (failure != null) {
            throw unavailable("the audit log cannot be written", failure);
        }
        if (closing) {
            throw unavailable("the audit log is closing", null);
        }
    }

    private static KeyroomException unavailable(String why, Throwable cause) {
        return new KeyroomException(ErrorCode.AUDIT_UNAVAILABLE, "audit unavailable: " + why, cause);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
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
        if (failure != null) {
            for (Pending p : batch) {
                p.written().completeExceptionally(failure);
            }
            return;
        }
        StringBuilder text = new StringBuilder(batch.size() * 256);
        long seq;
        String hash;
        synchronized (syncLock) {
            seq = writtenSeq;
            hash = writtenHash;
        }
        String time = clock.now().toString();
        List<String> lines = new ArrayList<>(batch.size());
        long firstSeq = seq + 1;
        for (Pending p : batch) {
            AuditEvent e = p.event();
            seq++;
            String line = AuditChain.line(
                    seq, time, e.actor(), e.action(), e.resource(), e.outcome(), e.requestId(), e.remote(), hash);
            hash = line.substring(line.length() - 66, line.length() - 2);
            text.append(line).append('\n');
            lines.add(line);
        }
        try {
            if (writtenBytes < 0) {
                writtenBytes = channel.size();
            }
            long offset = writtenBytes;
            for (int i = 0; i < lines.size(); i++) {
                if ((firstSeq + i) % INDEX_EVERY == 1) {
                    offsets.put(firstSeq + i, offset);
                }
                offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            writtenBytes = offset;
        } catch (IOException | RuntimeException e) {
            fail(e);
            for (Pending p : batch) {
                p.written().completeExceptionally(e);
            }
            return;
        }
        synchronized (syncLock) {
            writtenSeq = seq;
            writtenHash = hash;
        }
        for (Pending p : batch) {
            p.written().complete(null);
        }
        try {
            listener.written(firstSeq, lines);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("an audit listener failed");
        }
    }

    private void syncLoop() {
        while (true) {
            long seq;
            String hash;
            synchronized (syncLock) {
                try {
                    // At most one fsync per interval: under load, syncing back to back would compete
                    // with the writer for the file for no gain in what a crash can lose.
                    syncLock.wait(writtenSeq == syncedSeq ? 50 : SYNC_INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                seq = writtenSeq;
                hash = writtenHash;
            }
            if (seq != syncedSeq) {
                try {
                    channel.force(false);
                    syncedSeq = seq;
                    syncedHash = hash;
                    maybeCheckpoint(seq, hash);
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            }
            if (closing && queue.isEmpty() && !writer.isAlive() && syncedSeq == writtenSeq) {
                if (failure == null) {
                    try {
                        maybeCheckpoint(syncedSeq, syncedHash); // a clean stop always ends on a checkpoint
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                    }
                }
                return;
            }
        }
    }

    private void maybeCheckpoint(long seq, String hash) throws IOException {
        boolean due = seq - checkpointedSeq >= settings.checkpointEvery()
                || (seq > checkpointedSeq
                        && System.nanoTime() - lastCheckpointNanos
                                >= settings.checkpointInterval().toNanos())
                || (closing && seq > checkpointedSeq);
        if (!due) {
            return;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seq", seq);
        c.put("hash", hash);
        c.put("time", clock.now().toString());
        if (signer == null) {
            signer = signerSource.load();
        }
        c.put("signature", Base64Url.encode(signer.sign(AuditChain.checkpointMessage(seq, hash))));
        ByteBuffer bytes =
                ByteBuffer.wrap((Json.mapper().writeValueAsString(c) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            checkpoints.write(bytes);
        }
        checkpoints.force(false);
        checkpointedSeq = seq;
        lastCheckpointNanos = System.nanoTime();
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            log.atError().setCause(e).log("the audit log cannot be written; requests that need audit now fail closed");
        }
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
        List<String> out = new ArrayList<>();
        var from = offsets.floorEntry(afterSeq + 1);
        long offset = from == null ? 0 : from.getValue();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(offset);
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
            long lineStart = offset;
            long position = offset;
            int b;
            // Only whole lines: one being written has no newline yet.
            while (out.size() < limit && (b = in.read()) != -1) {
                position++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                long seq = AuditChain.parse(text).seq();
                if (seq % INDEX_EVERY == 1) {
                    offsets.putIfAbsent(seq, lineStart); // entries older than this process, learnt on the way
                }
                if (seq > afterSeq) {
                    out.add(text);
                }
                lineStart = position;
            }
        } catch (IOException | AuditChain.FormatException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "cannot read the audit log", e);
        }
        return out;
    }

    /** Told of each batch of entries right after it is written, on the writer's thread: must not block. */
    @FunctionalInterface
    public interface WrittenListener {
        void written(long firstSeq, List<String> lines);
    }

    private volatile WrittenListener listener = (first, lines) -> {};

    public void onWritten(WrittenListener l) {
        this.listener = l;
    }

    /** Every {@value #INDEX_EVERY}th entry's byte offset in the file, so reads start near their entry. */
    static final int INDEX_EVERY = 1000;

    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> offsets =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    /** The file's length after the last write; the writer's own. */
    private long writtenBytes = -1;

    /** The seq of the last entry written. */
    public long writtenSeq() {
        synchronized (syncLock) {
            return writtenSeq;
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(5000);
            synchronized (syncLock) {
                syncLock.notifyAll();
            }
            syncer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
            checkpoints.close();
        } catch (IOException e) {
            log.atWarn().setCause(e).log("closing the audit log failed");
        } finally {
            if (signer != null) {
                signer.close();
            }
        }
    }

    /** The last line of {@code f} (which ends with a newline), or null when it is empty. */
    static String lastLine(Path f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long end = raf.length();
            if (end == 0) {
                return null;
            }
            long pos = end - 1; // the final newline
            while (pos > 0) {
                raf.seek(pos - 1);
                int b = raf.read();
                if (b == '\n') {
                    break;
                }
                pos--;
            }
            byte[] line = new byte[(int) (end - 1 - pos)];
            raf.seek(pos);
            raf.readFully(line);
            return new String(line, StandardCharsets.UTF_8);
        }
    }

    /** A crash in the middle of a write can leave a line without its newline; it never completed. */
    static void cutIncompleteLastLine(Path f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            long end = raf.length();
            long pos = end;
            while (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n') {
                    break;
                }
                pos--;
            }
            if (pos != end) {
                log.atWarn()
                        .addKeyValue("file", f.getFileName())
                        .addKeyValue("bytes", end - pos)
                        .log("cutting an incomplete last audit line left by a crash");
                raf.setLength(pos);
            }
        }
    }
}
