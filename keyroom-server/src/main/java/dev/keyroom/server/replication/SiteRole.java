package dev.keyroom.server.replication;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.core.wire.WireNamed;
import dev.keyroom.server.config.ReplicationSettings;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's role while it runs (REPL-1, REPL-4, REPL-7): the one the config file gives it, and
 * what became of it since. Promotion, one explicit admin command, turns a backup into a primary of
 * a new site epoch; a primary that learns of a higher epoch from its backup is fenced and takes no
 * more client writes. Both are stored with the epoch, so a restart keeps them; a restart with a
 * config file that contradicts them is refused rather than guessed at.
 *
 * <p>The epoch is stored with the state: in a cluster, in every node's replica, so that a
 * promotion or a fence made through one node reaches every node ({@link #adopt}).
 */
public final class SiteRole {
    private static final Logger log = LoggerFactory.getLogger(SiteRole.class);

    public enum Kind implements WireNamed {
        PRIMARY,
        BACKUP,
        /** A former primary: a site of a higher epoch exists, so writes here would be lost. */
        FENCED
    }

    private final SiteLog store;
    private final byte[] siteKey;
    private final Optional<String> primary;
    /** The role and the epoch, changed together: by this node, or by another node of its cluster. */
    private record State(Kind kind, long epoch, Optional<java.time.Instant> promotedAt) {}

    private final java.util.concurrent.atomic.AtomicReference<State> state;

    private SiteRole(
            SiteLog store,
            byte[] siteKey,
            Optional<String> primary,
            Kind kind,
            long epoch,
            Optional<java.time.Instant> promotedAt) {
        this.store = store;
        this.siteKey = siteKey.clone();
        this.primary = primary;
        this.state = new java.util.concurrent.atomic.AtomicReference<>(new State(kind, epoch, promotedAt));
    }

    /**
     * The role of a site starting on {@code store} as {@code settings} say, identified by its site
     * key (the public half of {@code server.identity}). Refuses (IllegalStateException, naming what
     * to do) a config file that makes a backup of a site that was promoted, or of a fenced primary's
     * store: that store holds writes the primary never saw.
     */
    public static SiteRole open(ReplicationSettings settings, SiteLog store, byte[] siteKey) {
        Optional<String> primary = settings.primary().map(Object::toString);
        Site site = store.site();
        if (settings.backup()) {
            if (site.promotedKey().isPresent()) {
                throw new IllegalStateException("this site was promoted to primary (site epoch " + site.epoch()
                        + ", " + site.promotedAt().map(Object::toString).orElse("?")
                        + "): set replication.role: primary in the config file and remove replication.primary_url"
                        + " (a new backup starts from `keyroom site seed`)");
            }
            if (site.fenced()) {
                throw new IllegalStateException("this store belonged to a primary fenced by site epoch "
                        + site.fencedBy() + " and may hold writes the new primary never saw: start the backup"
                        + " from a copy of the new primary's store");
            }
            return new SiteRole(store, siteKey, primary, Kind.BACKUP, site.epoch(), Optional.empty());
        }
        if (site.fenced()) {
            log.atError()
                    .addKeyValue("epoch", site.epoch())
                    .addKeyValue("fenced_by", site.fencedBy())
                    .log("this primary was fenced by a promoted site: it takes no client writes");
        }
        return new SiteRole(
                store, siteKey, primary, site.fenced() ? Kind.FENCED : Kind.PRIMARY, site.epoch(), site.promotedAt());
    }

    public Kind kind() {
        return state.get().kind();
    }

    /** When this site was promoted to primary, if it was (REPL-7): the start of its replay fence (AUTH-3). */
    public Optional<java.time.Instant> promotedAt() {
        return state.get().promotedAt();
    }

    /** The epoch this site writes under (a primary) or follows (a backup). */
    public long epoch() {
        return state.get().epoch();
    }

    private volatile long primaryLast;
    private volatile java.time.Instant lastBatchAt;

    /** On a backup: a batch was applied, from a primary whose feed then held changes up to {@code primaryLast}. */
    public void applied(long primaryLast, java.time.Instant at) {
        this.primaryLast = Math.max(this.primaryLast, primaryLast);
        this.lastBatchAt = at;
    }

    /** On a backup: the last change its primary's feed held, as the last batch said; 0 before one. */
    public long primaryLast() {
        return primaryLast;
    }

    /** On a backup: when the last batch was applied, if one was since this node started. */
    public Optional<java.time.Instant> lastBatchAt() {
        return Optional.ofNullable(lastBatchAt);
    }

    /** While this site is a backup: its primary's URL, named in refusals. */
    public Optional<String> primary() {
        return kind() == Kind.BACKUP ? primary : Optional.empty();
    }

    /** Why this site takes no client writes now, if it takes none (REPL-4, REPL-7). */
    public Optional<String> refusesWrites() {
        return switch (kind()) {
            case PRIMARY -> Optional.empty();
            case BACKUP -> Optional.of("this site is a backup; send writes to the primary");
            case FENCED ->
                Optional.of("this site was a primary and a backup has been promoted in its place (site epoch "
                        + store.site().fencedBy() + "); send writes to the new primary");
        };
    }

    /**
     * Promotes this backup to a primary of epoch {@code fromEpoch + 1} (REPL-7), stored before it
     * takes effect. Refused (CONFLICT) on a site that is not a backup, at another epoch, or fenced.
     */
    public synchronized Site promote(long fromEpoch, Clock clock) {
        if (kind() != Kind.BACKUP) {
            throw KeyroomException.conflict("only a backup can be promoted; this site is " + kind().wireName());
        }
        Site site = store.promote(fromEpoch, siteKey, clock.now());
        adopt(site);
        return site;
    }

    /**
     * Takes the site state as stored (REPL-7), by this node or by another node of its cluster (never
     * waiting: a cluster's nodes are told on the thread that applies the state stream): a promotion
     * makes a backup the primary of the new epoch, a fence makes a primary fenced.
     */
    public void adopt(Site site) {
        State before = state.getAndUpdate(s -> {
            if (site.fenced()) {
                return new State(Kind.FENCED, s.epoch(), s.promotedAt());
            }
            if (s.kind() == Kind.BACKUP
                    && site.epoch() > s.epoch()
                    && site.promotedKey().isPresent()) {
                return new State(Kind.PRIMARY, site.epoch(), site.promotedAt());
            }
            return s;
        });
        State after = state.get();
        if (after.kind() == before.kind()) {
            return;
        }
        if (after.kind() == Kind.FENCED) {
            log.atError()
                    .addKeyValue("epoch", site.epoch())
                    .addKeyValue("fenced_by", site.fencedBy())
                    .log("ALERT: a backup was promoted to a newer site epoch; this site is fenced and takes no"
                            + " client writes");
        } else {
            log.atWarn()
                    .addKeyValue("epoch", site.epoch())
                    .log("this site was promoted to primary: set replication.role: primary in its config file"
                            + " before the next start");
        }
    }

    /**
     * Records that a site of epoch {@code newerEpoch} exists (this primary's backup said so): when it
     * is higher than this site's, this site is fenced from now on. Returns whether it is fenced.
     */
    public synchronized boolean fence(long newerEpoch) {
        if (kind() == Kind.FENCED) {
            return true;
        }
        if (newerEpoch <= epoch()) {
            return false;
        }
        Site site = store.fence(newerEpoch);
        adopt(site);
        return site.fenced();
    }
}
