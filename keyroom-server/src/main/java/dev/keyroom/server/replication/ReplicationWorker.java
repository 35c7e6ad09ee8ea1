package dev.keyroom.server.replication;

import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.server.config.ReplicationSettings;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary's replication worker (REPL-2): wakes as soon as a change or a blob is recorded, sends
 * the blobs waiting (each on its own, by address), then the changes in signed batches of {@value
 * #BATCH} on a stream over mutual TLS ({@link ChangeStream}, ADR 0004: the next batch as soon as
 * the last is applied, so under load a batch takes what accumulated meanwhile), then, at most once
 * a second, this node's audit entries; and forgets changes only once the backup acknowledged them. When the backup answers with its watermark (a
 * gap, a retry after a lost answer) it resumes from there. On failure it retries after 1, 5, 25,
 * 125 and 625 s; after the last it raises an alert (an error log, the metric {@code
 * keyroom.replication.alerts} and an audit entry) and keeps retrying every 625 s.
 *
 * <p>Every batch carries the site epoch. When the backup answers with a higher one, it was promoted
 * (REPL-7): this site is fenced (stored, audited, alerted) and the worker sends nothing more; the
 * changes it still holds are the writes the new primary never received.
 *
 * <p>The worker runs the rounds; its parts do the sending: {@link ChangeSender} (the change feed
 * on the stream), {@link BlobSender}, {@link AuditSender}, all through one {@link BackupLink} and
 * signed by the {@link SiteSigner}, with {@link RetryTable} and {@link ReplicationAlerts} for
 * failures.
 */
public final class ReplicationWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);
    public static final int BATCH = 100;

    /** One batch a second at most: the backup takes 60 a minute from a source (REPL-5). */
    static final Duration PACE = Duration.ofSeconds(1);

    public static final List<Duration> BACKOFF = List.of(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(25),
            Duration.ofSeconds(125),
            Duration.ofSeconds(625));

    private final SiteLog store;
    /** Whether this node sends the changes and blobs: always alone, one node of a cluster at a time. */
    private final java.util.function.BooleanSupplier leading;

    private final BlobStore blobs;
    private final SiteRole site;
    private final Clock clock;
    private final ReplicationAlerts alerts;
    private final BackupLink link;
    private final ChangeSender changes;
    private final BlobSender blobSender;
    private final AuditSender auditSender;
    private final RetryTable retries = new RetryTable();
    private final Thread thread;
    private volatile boolean closed;

    public ReplicationWorker(
            SiteLog store,
            java.util.function.BooleanSupplier leading,
            BlobStore blobs,
            Optional<dev.keyroom.server.audit.FileAuditLog> auditFile,
            ReplicationSettings.PushSettings settings,
            Identity siteKey,
            SiteRole site,
            Clock clock,
            AuditLog audit,
            SecureRandom random)
            throws IOException {
        this.store = store;
        this.leading = leading;
        this.blobs = blobs;
        this.site = site;
        this.clock = clock;
        this.alerts = new ReplicationAlerts(audit, settings.backup());
        SiteSigner signer = new SiteSigner(siteKey, site, clock, random);
        this.link = new BackupLink(settings, signer, alerts);
        this.changes = new ChangeSender(store, link, signer);
        this.blobSender = new BlobSender(store, blobs, link, signer);
        this.auditSender = new AuditSender(auditFile, link);
        changes.resync();
        this.thread = Thread.ofPlatform().name("keyroom-replication").daemon().unstarted(this::run);
        store.onChangeRecorded(() -> LockSupport.unpark(thread));
    }

    public void start() {
        thread.start();
    }

    /** Changes recorded and not yet acknowledged. */
    public long pending() {
        return changes.pending();
    }

    public long alerts() {
        return alerts.count();
    }

    /**
     * How the sending goes, read at once: the last change the backup acknowledged and those still
     * pending, when the oldest of them was recorded, the last error and the alerts raised, the size
     * and round trip of the last batch the backup took, blobs and audit entries the backup does not
     * hold yet (audit: 1 while it has not said), whether this node is the sender (in a cluster, the
     * node holding the sender's lease), and how long until the next retry while it waits to retry.
     */
    public record Progress(
            long acknowledged,
            long pending,
            Instant oldestPending,
            String lastError,
            long alerts,
            long lastBatchChanges,
            long lastBatchMillis,
            long blobsWaiting,
            long auditWaiting,
            boolean sender,
            Optional<Duration> nextRetry) {}

    public Progress progress() {
        return new Progress(
                changes.acknowledged(),
                changes.pending(),
                oldestPending(),
                retries.lastError(),
                alerts.count(),
                changes.lastBatchChanges(),
                changes.lastBatchMillis(),
                store.blobsWaiting(),
                auditSender.waiting(),
                leading.getAsBoolean(),
                retries.nextRetry());
    }

    private void run() {
        long lastAudit = System.nanoTime() - PACE.toNanos();
        while (!closed) {
            if (site.kind() == SiteRole.Kind.FENCED) {
                retries.lastError("fenced: " + site.refusesWrites().orElse(""));
                changes.closeStream();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            List<FeedEntry> batch = List.of();
            boolean blobsDue = false;
            boolean auditDue = false;
            long auditWait = TimeUnit.SECONDS.toNanos(1);
            try {
                boolean lead = leading.getAsBoolean();
                if (lead) {
                    // Changes go as soon as they exist, one batch in flight on the stream; what
                    // accumulates meanwhile goes together (so a batch grows past 100 only under load).
                    batch = changes.takeBatch();
                    blobsDue = !store.blobsToSend(1).isEmpty();
                } else {
                    changes.resync(); // another node sends the feeds and forgets what the backup took
                    changes.closeStream();
                }
                // Audit entries go by HTTP, at most once a second (their budget at the backup).
                if (auditSender.waiting() > 0) {
                    auditWait = lastAudit + PACE.toNanos() - System.nanoTime();
                    auditDue = auditWait <= 0;
                }
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("cannot read the change feed");
            }
            if (batch.isEmpty() && !blobsDue && !auditDue) {
                LockSupport.parkNanos(Math.max(1, Math.min(auditWait, TimeUnit.SECONDS.toNanos(1))));
                continue;
            }
            try {
                // Blobs first: a message's blob was stored before the message, so it reaches the backup first.
                if (blobsDue) {
                    blobSender.send(() -> closed);
                }
                if (!batch.isEmpty()) {
                    changes.send(batch);
                }
                if (auditDue) {
                    lastAudit = System.nanoTime();
                    auditSender.send();
                }
                retries.succeeded();
            } catch (Exception e) {
                changes.closeStream();
                Duration wait = retries.failed(e);
                if (retries.exhausted()) {
                    log.atError()
                            .addKeyValue("pending", pending())
                            .log("ALERT: the backup has not taken changes through the whole retry table");
                    alerts.raise("alert: " + retries.lastError());
                }
                retries.waitToRetry(wait, () -> closed);
            }
        }
        changes.closeStream();
    }

    /**
     * The blob store this site's clients write to: every blob stored, or stored again (a client
     * retrying an upload whose answer it lost), is recorded for the backup.
     */
    public BlobStore feeding() {
        return new FeedingBlobStore(blobs, store, clock);
    }

    /**
     * Cuts the wait for the next retry short, once (an operator who brought the backup back says
     * so: {@code keyroom site retry}); the table goes on where it was if that retry fails too.
     * Whether the worker was waiting to retry.
     */
    public boolean retryNow() {
        return retries.retryNow();
    }

    /** When the oldest unacknowledged change was recorded, or now without one. */
    public Instant oldestPending() {
        List<FeedEntry> first = store.changesAfter(changes.acknowledged(), 1);
        return first.isEmpty() ? clock.now() : first.getFirst().at();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
    }
}
