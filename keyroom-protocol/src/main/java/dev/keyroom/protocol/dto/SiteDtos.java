package dev.keyroom.protocol.dto;

/** The JSON bodies of {@code /v1/replication} (admin): the site's role, promotion and retry. */
public final class SiteDtos {
    private SiteDtos() {}

    /**
     * {@code GET /v1/replication/status} (admin). A primary that feeds a backup fills the {@code
     * backup} fields (changes recorded, acknowledged, pending, seconds the oldest pending one has
     * waited, the last error, alerts raised, the size and round-trip time of the last batch taken); a
     * fed backup the {@code primary} ones (its watermark).
     */
    public record ReplicationStatus(
            String role,
            long siteEpoch,
            String primary,
            Long watermark,
            String backup,
            Long lastChange,
            Long acknowledged,
            Long pending,
            Double lagSeconds,
            String lastError,
            Long alerts,
            Long lastBatchChanges,
            Long lastBatchMillis,
            Long blobsWaiting,
            Long auditWaiting,
            Boolean sender,
            Double nextRetrySeconds) {}

    /**
     * The answer to an operator's retry on a primary: whether its worker was waiting to retry after
     * a failure (and so retries now), and the status.
     */
    public record Retry(boolean retrying, ReplicationStatus status) {}

    /** Promotes a backup (REPL-7): the site epoch it leaves, as its status shows it. */
    public record Promote(Long fromEpoch) {}
}
