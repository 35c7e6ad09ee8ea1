package dev.keyroom.client;

import dev.keyroom.protocol.dto.SiteDtos;

/** The site's replication (admin): its role and progress, promotion of a backup, and retrying now. */
public final class Site extends Resource {
    Site(ClientContext context) {
        super(context);
    }

    /** The site's replication role and progress (admin). */
    public SiteDtos.ReplicationStatus status() {
        return transport.call("GET", "/v1/replication/status", null, SiteDtos.ReplicationStatus.class);
    }

    /**
     * Promotes this backup to a primary of site epoch {@code fromEpoch + 1} (admin, REPL-7); refused
     * (409) when the site is not a backup at {@code fromEpoch}. Answers the new status.
     */
    public SiteDtos.ReplicationStatus promote(long fromEpoch) {
        return transport.call(
                "POST", "/v1/replication/promote", new SiteDtos.Promote(fromEpoch), SiteDtos.ReplicationStatus.class);
    }

    /**
     * On a primary whose worker waits to retry after a failure: retry now, without waiting for the
     * next step of the table (admin). Answers whether it was waiting, and the status.
     */
    public SiteDtos.Retry retry() {
        return transport.call("POST", "/v1/replication/retry", null, SiteDtos.Retry.class);
    }
}
