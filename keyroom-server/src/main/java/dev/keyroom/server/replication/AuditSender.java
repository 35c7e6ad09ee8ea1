package dev.keyroom.server.replication;

import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.server.audit.FileAuditLog;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The audit feed's sender: this node's audit entries go to the backup, which keeps a copy of them,
 * as batches of their own feed ({@link ReplicationBatch.Feed#AUDIT}: its own signing domain and
 * budget at the backup), by HTTP.
 */
final class AuditSender {
    /** Audit entries in one batch at most (some 300 bytes each: well below the backup's body cap). */
    static final int MAX_AUDIT_ENTRIES = 20_000;

    /** This site's audit log, whose entries the backup keeps a copy of, if it is a file. */
    private final Optional<FileAuditLog> auditFile;

    private final BackupLink link;
    /** The last of this site's audit entries the backup holds; -1 until it says. */
    private volatile long auditAcked = -1;

    AuditSender(Optional<FileAuditLog> auditFile, BackupLink link) {
        this.auditFile = auditFile;
        this.link = link;
    }

    /**
     * Sends the audit entries the backup does not hold yet, up to {@value #MAX_AUDIT_ENTRIES}, as a
     * batch of the audit feed (its own budget at the backup: 60 a minute). The first one after a
     * start is empty: the backup answers with the last entry it holds.
     */
    void send() throws IOException, InterruptedException {
        long from = Math.max(0, auditAcked);
        List<byte[]> lines = auditAcked < 0
                ? List.of()
                : auditFile.orElseThrow().linesAfter(from, MAX_AUDIT_ENTRIES).stream()
                        .map(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toList();
        auditAcked = link.push(ReplicationBatch.Feed.AUDIT, from + 1, lines, "audit_seq");
    }

    /** Audit entries written here and not yet held by the backup (1 while it has not said). */
    long waiting() {
        if (auditFile.isEmpty()) {
            return 0;
        }
        long acked = auditAcked;
        return acked < 0 ? 1 : Math.max(0, auditFile.get().writtenSeq() - acked);
    }
}
