package dev.keyroom.server.audit;

import dev.keyroom.protocol.audit.AuditChain;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an audit file holds when a node starts: the files made if missing (0600, in a 0700
 * directory), an incomplete last line left by a crash cut off, and the chain's last entry read
 * back so that writing continues it. A backup's copy of a primary's log ({@link SiteAuditCopy})
 * is read back the same way.
 */
final class AuditFileRecovery {
    /** Logs under the audit log's name, as the log did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(FileAuditLog.class);

    private AuditFileRecovery() {}

    /**
     * Makes {@code dir}, {@code audit.log} and {@code checkpoints.log} as needed, cuts an incomplete
     * last line off each, and returns the chain's last entry (the genesis for an empty log). A last
     * entry whose hash does not match is refused: the node does not start on a log it cannot extend
     * honestly.
     */
    static AuditLogState.Link recover(Path dir) throws IOException {
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
        return new AuditLogState.Link(seq, hash);
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
