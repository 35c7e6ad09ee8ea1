package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.protocol.dto.SiteDtos;
import dev.keyroom.server.config.ReplicationSettings;
import dev.keyroom.server.replication.ReplicationWorker;
import dev.keyroom.server.replication.SiteRole;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /v1/replication/status} (admin): the site's role and how far replication has got;
 * {@code POST /v1/replication/promote} (admin, on a backup) {@code {"from_epoch": N}}: promotes it
 * to a primary of epoch N + 1 (REPL-7) and answers the status; {@code POST /v1/replication/retry}
 * (admin, on a primary that feeds a backup): its worker, waiting to retry after a failure, retries
 * now (the operator brought the backup back and need not wait for the next step of the table).
 *
 * <p>{@code fed}: a backup's store that the primary's batches are applied to, if it has one.
 */
public record ReplicationRoutes(
        ReplicationSettings settings,
        SiteRole site,
        Optional<ReplicationWorker> worker,
        Optional<SiteLog> fed,
        Clock clock) {
    public void register(Router router) {
        router.add("GET", "/v1/replication/status", Router.Access.ADMIN, c -> Reply.ok(status()));
        router.add("POST", KeyroomHandler.PROMOTE_PATH, Router.Access.ADMIN, c -> {
            SiteDtos.Promote req = c.json(SiteDtos.Promote.class);
            if (req.fromEpoch() == null) {
                throw KeyroomException.badRequest("from_epoch is required: the site epoch being left (see status)");
            }
            site.promote(req.fromEpoch(), clock);
            return Reply.ok(status());
        });
        router.add("POST", "/v1/replication/retry", Router.Access.ADMIN, c -> {
            ReplicationWorker w =
                    worker.orElseThrow(() -> KeyroomException.conflict("this site feeds no backup: nothing to retry"));
            return Reply.ok(new SiteDtos.Retry(w.retryNow(), status()));
        });
    }

    public SiteDtos.ReplicationStatus status() {
        // A primary's worker says how its sending goes; a fed backup how far behind its primary it is.
        Optional<ReplicationWorker.Progress> sending = worker.map(ReplicationWorker::progress);
        Optional<Behind> behind = worker.isEmpty() ? fed.map(f -> behind(f.appliedChanges())) : Optional.empty();
        return new SiteDtos.ReplicationStatus(
                site.kind().wireName(),
                site.epoch(),
                site.primary().orElse(null),
                fed.map(SiteLog::appliedChanges).orElse(null),
                settings.push().map(p -> p.backup().toString()).orElse(null),
                sending.map(p -> p.acknowledged() + p.pending())
                        .or(() -> behind.flatMap(Behind::primaryLast))
                        .orElse(null),
                sending.map(ReplicationWorker.Progress::acknowledged).orElse(null),
                sending.map(ReplicationWorker.Progress::pending)
                        .or(() -> behind.map(Behind::changes))
                        .orElse(null),
                sending.map(p ->
                                Duration.between(p.oldestPending(), clock.now()).toMillis() / 1000.0)
                        .or(() -> behind.flatMap(Behind::seconds))
                        .orElse(null),
                sending.map(ReplicationWorker.Progress::lastError).orElse(null),
                sending.map(ReplicationWorker.Progress::alerts).orElse(null),
                sending.map(ReplicationWorker.Progress::lastBatchChanges).orElse(null),
                sending.map(ReplicationWorker.Progress::lastBatchMillis).orElse(null),
                sending.map(ReplicationWorker.Progress::blobsWaiting).orElse(null),
                sending.map(ReplicationWorker.Progress::auditWaiting).orElse(null),
                sending.map(ReplicationWorker.Progress::sender).orElse(null),
                sending.flatMap(ReplicationWorker.Progress::nextRetry)
                        .map(d -> d.toMillis() / 1000.0)
                        .orElse(null));
    }

    /**
     * How far a fed site is behind its primary, as the last batch told it: the primary's last
     * change (unknown before the first batch), the changes missing here, and for how long it has
     * not caught up (seconds since the last batch, while it is behind).
     */
    private record Behind(Optional<Long> primaryLast, long changes, Optional<Double> seconds) {}

    private Behind behind(long watermark) {
        long changes = Math.max(0, site.primaryLast() - watermark);
        Optional<Double> seconds = changes == 0
                ? Optional.of(0.0)
                : site.lastBatchAt().map(t -> Duration.between(t, clock.now()).toMillis() / 1000.0);
        return new Behind(
                site.primaryLast() == 0 ? Optional.empty() : Optional.of(site.primaryLast()), changes, seconds);
    }
}
