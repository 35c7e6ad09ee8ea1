package dev.keyroom.server.replication;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.port.Store;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.store.sqlite.SiteFeed;
import dev.keyroom.store.sqlite.SqliteStore;
import java.security.MessageDigest;
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
 * <p>Only the embedded store has a site epoch; a cluster node is a primary of epoch 1.
 */
public final class SiteRole {
    private static final Logger log = LoggerFactory.getLogger(SiteRole.class);

    public enum Kind {
        PRIMARY,
        BACKUP,
        /** A former primary: a site of a higher epoch exists, so writes here would be lost. */
        FENCED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Optional<SiteFeed> store;
    private final byte[] siteKey;
    private final Optional<String> primary;
    private volatile Kind kind;
    private volatile long epoch;

    private SiteRole(Optional<SiteFeed> store, byte[] siteKey, Optional<String> primary, Kind kind, long epoch) {
        this.store = store;
        this.siteKey = siteKey.clone();
        this.primary = primary;
        this.kind = kind;
        this.epoch = epoch;
    }

    /**
     * The role of a site starting on {@code store} as {@code settings} say, identified by its site
     * key (the public half of {@code server.identity}). Refuses (IllegalStateException, naming what
     * to do) a config file that makes a backup of a site that was promoted, or of a fenced primary's
     * store: that store holds writes the primary never saw.
     */
    public static SiteRole open(ServerConfig.ReplicationSettings settings, Store store, byte[] siteKey) {
        Optional<String> primary = settings.primary().map(Object::toString);
        if (!(store instanceof SiteFeed sqlite)) {
            return new SiteRole(Optional.empty(), siteKey, primary, settings.backup() ? Kind.BACKUP : Kind.PRIMARY, 1);
        }
        SqliteStore.Site site = sqlite.site();
        if (settings.backup()) {
            if (site.promotedKey().map(k -> MessageDigest.isEqual(k, siteKey)).orElse(false)) {
                throw new IllegalStateException("this site was promoted to primary (site epoch " + site.epoch()
                        + ", " + site.promotedAt().map(Object::toString).orElse("?")
                        + "): set replication.role: primary in the config file and remove replication.primary_url");
            }
            if (site.fenced()) {
                throw new IllegalStateException("this store belonged to a primary fenced by site epoch "
                        + site.fencedBy() + " and may hold writes the new primary never saw: start the backup"
                        + " from a copy of the new primary's store");
            }
            return new SiteRole(Optional.of(sqlite), siteKey, primary, Kind.BACKUP, site.epoch());
        }
        if (site.fenced()) {
            log.atError()
                    .addKeyValue("epoch", site.epoch())
                    .addKeyValue("fenced_by", site.fencedBy())
                    .log("this primary was fenced by a promoted site: it takes no client writes");
        }
        return new SiteRole(
                Optional.of(sqlite), siteKey, primary, site.fenced() ? Kind.FENCED : Kind.PRIMARY, site.epoch());
    }

    public Kind kind() {
        return kind;
    }

    /** The epoch this site writes under (a primary) or follows (a backup). */
    public long epoch() {
        return epoch;
    }

    /** While this site is a backup: its primary's URL, named in refusals. */
    public Optional<String> primary() {
        return kind == Kind.BACKUP ? primary : Optional.empty();
    }

    /** Why this site takes no client writes now, if it takes none (REPL-4, REPL-7). */
    public Optional<String> refusesWrites() {
        return switch (kind) {
            case PRIMARY -> Optional.empty();
            case BACKUP -> Optional.of("this site is a backup; send writes to the primary");
            case FENCED ->
                Optional.of("this site was a primary and a backup has been promoted in its place (site epoch "
                        + store.map(s -> s.site().fencedBy()).orElse(0L) + "); send writes to the new primary");
        };
    }

    /**
     * Promotes this backup to a primary of epoch {@code fromEpoch + 1} (REPL-7), stored before it
     * takes effect. Refused (CONFLICT) on a site that is not a backup, at another epoch, or fenced.
     */
    public synchronized SqliteStore.Site promote(long fromEpoch, Clock clock) {
        if (kind != Kind.BACKUP) {
            throw KeyroomException.conflict("only a backup can be promoted; this site is " + kind.wireName());
        }
        SiteFeed sqlite = store.orElseThrow(() -> KeyroomException.conflict("this site has no site epoch"));
        SqliteStore.Site site = sqlite.promote(fromEpoch, siteKey, clock.now());
        epoch = site.epoch();
        kind = Kind.PRIMARY;
        log.atWarn()
                .addKeyValue("epoch", site.epoch())
                .addKeyValue("watermark", sqlite.appliedChanges())
                .log("this site was promoted to primary: set replication.role: primary in its config file before"
                        + " the next start");
        return site;
    }

    /**
     * Takes the site state another node of this cluster stored (REPL-7): a fence reaches every node.
     */
    public synchronized void adopt(SqliteStore.Site site) {
        if (site.fenced() && kind != Kind.FENCED) {
            kind = Kind.FENCED;
            log.atError()
                    .addKeyValue("epoch", site.epoch())
                    .addKeyValue("fenced_by", site.fencedBy())
                    .log("ALERT: a backup was promoted to a newer site epoch; this site is fenced and takes no"
                            + " client writes");
        }
    }

    /**
     * Records that a site of epoch {@code newerEpoch} exists (this primary's backup said so): when it
     * is higher than this site's, this site is fenced from now on. Returns whether it is fenced.
     */
    public synchronized boolean fence(long newerEpoch) {
        if (kind == Kind.FENCED) {
            return true;
        }
        if (newerEpoch <= epoch || store.isEmpty()) {
            return false;
        }
        SqliteStore.Site site = store.get().fence(newerEpoch);
        adopt(site);
        return site.fenced();
    }
}
