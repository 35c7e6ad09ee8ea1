package dev.keyroom.server.audit;

import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.protocol.audit.AuditChain;
import java.util.List;

/** The node's audit log as the server uses it: record, read back, close. */
public interface AuditTrail extends AuditLog, AutoCloseable {

    /** Entries with a seq above {@code afterSeq}, at most {@code limit}. */
    List<AuditChain.Entry> after(long afterSeq, int limit);

    /** The seq of the last entry written (0 for an empty log). */
    long lastSeq();

    @Override
    void close();
}
