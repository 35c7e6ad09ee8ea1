package dev.keyroom.server.audit;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A backup's copy of a primary's audit log (REPL-2), byte for byte, one line per entry, in a file
 * of its own ({@code audit/sites/<site>.log}). Entries are appended only where they continue the
 * chain: each must parse with a hash that matches its content, carry the next seq, and name the
 * previous entry's hash, so the copy verifies like the primary's log ({@code keyroom audit
 * verify}, without checkpoints). Entries already held are skipped; a gap is refused with the last
 * seq held; each append is synced before it is acknowledged.
 */
public final class SiteAuditCopy implements AutoCloseable {
    private final FileChannel channel;
    private long lastSeq;
    private String lastHash;

    private SiteAuditCopy(FileChannel channel, long lastSeq, String lastHash) {
        this.channel = channel;
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    /** Opens (creating) the copy at {@code file}; a torn last line (a crash mid-append) is cut off. */
    public static SiteAuditCopy open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            AuditFileRecovery.cutIncompleteLastLine(file);
            String last = AuditFileRecovery.lastLine(file);
            if (last == null) {
                return new SiteAuditCopy(channel, 0, AuditChain.GENESIS);
            }
            AuditChain.Entry e = AuditChain.parse(last);
            return new SiteAuditCopy(channel, e.seq(), e.hash());
        } catch (IOException | AuditChain.FormatException | RuntimeException e) {
            channel.close();
            throw new IOException("the audit copy " + file + " does not read: " + e.getMessage(), e);
        }
    }

    /** The seq of the last entry held; 0 for none. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * Appends entries {@code firstSeq}, {@code firstSeq + 1}, ... where they continue the copy;
     * returns the last seq held after it. Refused, with nothing written: a gap (CONFLICT naming the
     * last seq held), an entry that does not parse or is misnumbered (BAD_REQUEST), one that does
     * not continue the chain (CONFLICT).
     */
    public synchronized long append(long firstSeq, List<byte[]> lines) {
        if (firstSeq > lastSeq + 1) {
            throw KeyroomException.conflict("gap: this copy holds the primary's audit entries up to " + lastSeq);
        }
        StringBuilder out = new StringBuilder();
        long seq = firstSeq;
        long held = lastSeq;
        String hash = lastHash;
        for (byte[] bytes : lines) {
            if (seq > held) {
                String line = new String(bytes, StandardCharsets.UTF_8);
                AuditChain.Entry e;
                try {
                    e = line.indexOf('\n') >= 0 ? null : AuditChain.parse(line);
                } catch (AuditChain.FormatException x) {
                    throw KeyroomException.badRequest("audit entry " + seq + " does not read: " + x.getMessage());
                }
                if (e == null || e.seq() != seq) {
                    throw KeyroomException.badRequest("audit entry " + seq + " is not numbered " + seq);
                }
                if (!e.prevHash().equals(hash)) {
                    throw KeyroomException.conflict(
                            "audit entry " + seq + " does not continue this copy's chain (after " + held + ")");
                }
                out.append(line).append('\n');
                held = seq;
                hash = e.hash();
            }
            seq++;
        }
        if (held > lastSeq) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
                long at = channel.size();
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                channel.force(false);
            } catch (IOException x) {
                throw new KeyroomException(ErrorCode.INTERNAL, "cannot write the audit copy", x);
            }
            lastSeq = held;
            lastHash = hash;
        }
        return lastSeq;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing is pending: every append was synced
        }
    }
}
