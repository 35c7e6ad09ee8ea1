package dev.keyroom.server.audit;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log's lines read back from the file, by seq: every {@value #INDEX_EVERY}th entry's
 * byte offset in the file is kept, so reads start near their entry. The writer notes the offsets
 * of what it writes; a read learns those of entries older than this process on the way.
 */
final class AuditLineIndex {
    /** Every {@value #INDEX_EVERY}th entry's byte offset in the file, so reads start near their entry. */
    static final int INDEX_EVERY = 1000;

    private final Path file;
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> offsets =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    AuditLineIndex(Path file) {
        this.file = file;
    }

    /**
     * Notes the offsets of {@code lines}, entries {@code firstSeq} on, about to be written from
     * byte {@code offset}; returns the offset after them.
     */
    long written(long firstSeq, List<String> lines, long offset) {
        for (int i = 0; i < lines.size(); i++) {
            if ((firstSeq + i) % INDEX_EVERY == 1) {
                offsets.put(firstSeq + i, offset);
            }
            offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return offset;
    }

    /** The stored lines (without their newline) of the entries with a seq above {@code afterSeq}. */
    List<String> linesAfter(long afterSeq, int limit) {
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
}
