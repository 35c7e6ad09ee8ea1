package dev.keyroom.core.store;

import dev.keyroom.core.grants.Grants;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.rooms.Messages;
import dev.keyroom.core.rooms.RoomCensus;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.core.vault.Breaches;
import dev.keyroom.core.vault.SealedItems;
import dev.keyroom.core.vault.Secrets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Durable state, one small port per aggregate: {@link Users}, {@link Rooms}, {@link Messages},
 * {@link Secrets}, {@link SealedItems}, {@link Bans}, {@link Breaches}, {@link Grants}, the
 * operators' read-only {@link RoomCensus} and, for site replication, the {@link SiteLog}. A service takes the ports it needs; the composition root holds the store.
 *
 * <p>Guarantees, for every port: every method is atomic; a method that returns normally has made
 * its change durable (it survives a crash of the process right after); reads see every write that
 * returned before they started. Implementations are thread-safe.
 *
 * <p>Errors: a broken backend raises {@link dev.keyroom.core.error.KeyroomException} with code
 * {@code INTERNAL} (or {@code OVERLOADED} when it timed out), never a partial result; callers that
 * make authentication or authorization decisions treat that as a denial. Uniqueness violations
 * raise {@code CONFLICT}.
 *
 * <p>Lifecycle: opened by its implementation's factory, closed once by its owner; the ports are
 * not used after.
 */
public interface Store extends AutoCloseable {
    /** The ports of one store; an implementation builds them once and hands out this record. */
    record Ports(
            Users users,
            Rooms rooms,
            Messages messages,
            Secrets secrets,
            SealedItems sealedItems,
            Bans bans,
            Breaches breaches,
            Grants grants,
            SiteLog siteLog,
            RoomCensus census) {}

    Ports ports();

    default Users users() {
        return ports().users();
    }

    default Rooms rooms() {
        return ports().rooms();
    }

    default Messages messages() {
        return ports().messages();
    }

    default Secrets secrets() {
        return ports().secrets();
    }

    default SealedItems sealedItems() {
        return ports().sealedItems();
    }

    default Bans bans() {
        return ports().bans();
    }

    default Breaches breaches() {
        return ports().breaches();
    }

    default Grants grants() {
        return ports().grants();
    }

    default SiteLog siteLog() {
        return ports().siteLog();
    }

    /** Every room's metadata and counts, for operators (read-only). */
    default RoomCensus census() {
        return ports().census();
    }

    /** Counts of records per table and a SHA-256 over all of them, independent of storage order. */
    record Digest(Map<String, Long> counts, String sha256) {}

    /**
     * The digest of every record, read as of one moment, so two stores with the same records have
     * the same digest whatever order they were written in (a migration's or a seed's check).
     */
    Digest digest();

    /** Writes a consistent copy of the whole state, as an embedded database, to {@code target} (which must not exist). */
    void copyTo(Path target);

    @Override
    void close();
}
