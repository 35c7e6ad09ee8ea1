package dev.keyroom.server.replication;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication worker's alerts: the backup has not taken changes through the whole retry
 * table, or it fenced this site. Each is counted (the metric {@code keyroom.replication.alerts})
 * and audited.
 */
final class ReplicationAlerts {
    /** Logs under the worker's name, as the worker did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);

    private final AuditLog audit;
    private final URI backup;
    private final AtomicLong count = new AtomicLong();

    ReplicationAlerts(AuditLog audit, URI backup) {
        this.audit = audit;
        this.backup = backup;
    }

    /** Counts an alert and audits it; a failing audit log is logged, and the worker goes on. */
    void raise(String outcome) {
        count.incrementAndGet();
        try {
            audit.record(new AuditEvent("site", "REPLICATE", backup.toString(), outcome, "-", "-"));
        } catch (RuntimeException auditDown) {
            log.atError().setCause(auditDown).log("the replication alert could not be audited");
        }
    }

    /** Alerts raised since the worker started. */
    long count() {
        return count.get();
    }
}
