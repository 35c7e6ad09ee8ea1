package dev.keyroom.store.sqlite;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.port.Store;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.core.vault.Keyring;
import dev.keyroom.core.vault.SecretInfo;
import dev.keyroom.core.vault.StoredSecret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The embedded {@link Store}: one SQLite file in WAL mode with {@code synchronous=FULL}, so a
 * write that returned survives a crash of the process or of the machine.
 *
 * <p>JDBC runs on platform threads ({@link SqliteExecutor}): one writer thread owns the only
 * writing connection, so writes are serialised and every multi-step change is one transaction;
 * a few reader threads own read-only connections. Callers on virtual threads wait on a future
 * and are never pinned by the JNI driver.
 */
public final class SqliteStore implements Store, SiteFeed {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SqliteStore.class);
    private final SqliteExecutor db;
    /** Told what each change applied from a primary's batch means for live sessions. */
    private final List<ChangeEffects> effectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether writes are recorded in the change feed (a primary with a backup to feed). */
    private final boolean feed;

    private SqliteStore(SqliteExecutor db, boolean feed) {
        this.db = db;
        this.feed = feed;
    }

    /** Opens (creating if needed) the database at {@code file} and brings its schema up to date. */
    public static SqliteStore open(Path file) {
        return open(file, false);
    }

    /** As {@link #open(Path)}; with {@code recordChanges}, every write also enters the change feed. */
    public static SqliteStore open(Path file, boolean recordChanges) {
        return new SqliteStore(SqliteExecutor.open(file, 2, Duration.ofSeconds(10), true), recordChanges);
    }

    /**
     * Opens a replica: the same schema and rules, but commits are not synced to disk, because a
     * replica is rebuilt from the log it follows after a crash, never trusted as a record.
     */
    public static SqliteStore openReplica(Path file) {
        return openReplica(file, false);
    }

    /** As {@link #openReplica(Path)}; with {@code recordChanges}, every write also enters the change feed. */
    public static SqliteStore openReplica(Path file, boolean recordChanges) {
        return new SqliteStore(SqliteExecutor.open(file, 2, Duration.ofSeconds(10), false), recordChanges);
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} (which must not exist): one
     * read transaction on a connection of its own, so it holds exactly the writes committed before
     * it started.
     */
    public void snapshotTo(Path target) {
        db.onOwnConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toAbsolutePath().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every table that holds state, in a fixed order, for {@link #digest()}. */
    private static final List<String> TABLES =
            List.of("users", "rooms", "members", "sealed_keys", "messages", "secrets", "bans", "agent_breaches");

    /** Counts of records per table and a SHA-256 over all of them, independent of storage order. */
    public record Digest(Map<String, Long> counts, String sha256) {}

    /**
     * The digest of every record, read in one transaction: rows of each table ordered by all their
     * columns, each value hashed with its type and length, so two stores with the same records have
     * the same digest whatever order they were written in.
     */
    public Digest digest() {
        return db.onOwnConnection(c -> {
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            c.setAutoCommit(false); // one read transaction: every table as of the same moment
            for (String table : TABLES) {
                long n = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
                        ResultSet probe = ps.executeQuery()) {
                    int columns = probe.getMetaData().getColumnCount();
                    StringBuilder order = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        order.append(i == 1 ? "" : ", ").append(i);
                    }
                    try (PreparedStatement sorted =
                                    c.prepareStatement("SELECT * FROM " + table + " ORDER BY " + order);
                            ResultSet rs = sorted.executeQuery()) {
                        sha.update(table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        while (rs.next()) {
                            n++;
                            for (int i = 1; i <= columns; i++) {
                                Object v = rs.getObject(i);
                                byte[] bytes = v == null
                                        ? new byte[0]
                                        : v instanceof byte[] b
                                                ? b
                                                : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                                char type =
                                        v == null ? 'n' : v instanceof byte[] ? 'b' : v instanceof Number ? 'i' : 't';
                                sha.update((byte) type);
                                sha.update(java.nio.ByteBuffer.allocate(4)
                                        .putInt(bytes.length)
                                        .array());
                                sha.update(bytes);
                            }
                        }
                    }
                }
                counts.put(table, n);
            }
            return new Digest(
                    java.util.Collections.unmodifiableMap(counts),
                    java.util.HexFormat.of().formatHex(sha.digest()));
        });
    }

    // ---- the change feed (REPL-2, REPL-6)

    /**
     * Runs a write; when {@code changed} says it changed something, {@code change} enters the feed
     * in the same transaction, so the feed holds a change if and only if the store does.
     */
    private <T> T recorded(
            Change change, java.util.function.Predicate<? super T> changed, SqliteExecutor.Work<T> work) {
        T r = db.write(c -> {
            T result = work.run(c);
            if (changed.test(result)) {
                record(c, change);
            }
            return result;
        });
        fed();
        return r;
    }

    private volatile Runnable onRecorded = () -> {};

    /** Called after every committed write while the feed is on (a replication worker wakes on it). */
    public void onChangeRecorded(Runnable listener) {
        this.onRecorded = listener;
    }

    private void fed() {
        if (feed) {
            onRecorded.run();
        }
    }

    private void record(Connection c, Change change) throws SQLException {
        if (feed) {
            update(
                    c,
                    "INSERT INTO change_feed (change, at) VALUES (?, ?)",
                    change.encode(),
                    System.currentTimeMillis());
        }
    }

    /** One recorded change and its place in the feed. */
    public record FeedEntry(long seq, byte[] change, Instant at) {}

    /** Recorded changes with a sequence above {@code afterSeq}, in order, at most {@code limit}. */
    public List<FeedEntry> changesAfter(long afterSeq, int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, change, at FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?",
                rs -> new FeedEntry(rs.getLong(1), rs.getBytes(2), Instant.ofEpochMilli(rs.getLong(3))),
                afterSeq,
                limit));
    }

    /** The sequence of the last recorded change; 0 before the first. */
    public long lastChange() {
        return db.read(c -> first(
                        c,
                        "SELECT coalesce(max(seq), (SELECT seq FROM sqlite_sequence WHERE name = 'change_feed'), 0)"
                                + " FROM change_feed",
                        rs -> rs.getLong(1))
                .orElse(0L));
    }

    /** Drops recorded changes up to {@code seq} (a backup acknowledged them); sequences are never reused. */
    public void forgetChangesUpTo(long seq) {
        db.write(c -> update(c, "DELETE FROM change_feed WHERE seq <= ?", seq));
    }

    /** A blob to send to the backup: its place in the blob feed, its room and address. */
    public record BlobEntry(long seq, RoomId room, String sha256, Instant at) {}

    /**
     * With the feed on, records that {@code room}'s blob {@code sha256} is stored (again): it goes
     * to the backup, apart from the changes (REPL-2). Without the feed, nothing.
     */
    @Override
    public void recordBlob(RoomId room, String sha256) {
        recordBlob(room, sha256, Instant.now());
    }

    /** As {@link #recordBlob(RoomId, String)}, recorded at {@code at}. */
    public void recordBlob(RoomId room, String sha256, Instant at) {
        if (!feed) {
            return;
        }
        db.write(c -> update(
                c,
                "INSERT INTO blob_feed (room, sha256, at) VALUES (?, ?, ?)",
                room.value(),
                sha256,
                at.toEpochMilli()));
        fed();
    }

    /** The oldest blobs not yet held by the backup, at most {@code limit}. */
    public List<BlobEntry> blobsToSend(int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, room, sha256, at FROM blob_feed ORDER BY seq LIMIT ?",
                rs -> new BlobEntry(
                        rs.getLong(1),
                        RoomId.parse(rs.getString(2)),
                        rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))),
                limit));
    }

    /** How many blobs wait for the backup. */
    public long blobsWaiting() {
        return db.read(c ->
                first(c, "SELECT count(*) FROM blob_feed", rs -> rs.getLong(1)).orElse(0L));
    }

    /** The backup holds the blob at {@code seq} (or it cannot be sent): it leaves the blob feed. */
    public void forgetBlob(long seq) {
        db.write(c -> update(c, "DELETE FROM blob_feed WHERE seq = ?", seq));
    }

    /** On a backup: the last sequence of the primary's feed applied here (the watermark). */
    public long appliedChanges() {
        return db.read(c -> first(c, "SELECT applied FROM feed_watermark WHERE id = 1", rs -> rs.getLong(1))
                .orElse(0L));
    }

    /**
     * Applies changes {@code firstSeq}, {@code firstSeq + 1}, ... of a primary's feed, all in one
     * transaction with the new watermark (REPL-6): changes at or below the watermark are skipped, so a
     * batch applied twice changes nothing; a batch that starts after the watermark plus one is a gap
     * and is refused (CONFLICT naming the watermark) with nothing applied; a change that does not
     * read, or does not apply as it did on the primary, refuses the whole batch. Returns the new
     * watermark. Only a batch of this site's epoch applies (REPL-7): an older one comes from a
     * primary that a promotion fenced, a newer one from a primary this backup was not copied from.
     */
    public long applyChanges(long epoch, long firstSeq, List<byte[]> changes) {
        List<java.util.function.Consumer<ChangeEffects>> applied = new ArrayList<>();
        long done = db.write(c -> {
            applied.clear(); // nothing of a try that did not commit
            long siteEpoch = site(c).epoch();
            if (epoch < siteEpoch) {
                throw KeyroomException.conflict("a batch of site epoch " + epoch + ": this site is at epoch "
                        + siteEpoch + ", a newer primary was promoted");
            }
            if (epoch > siteEpoch) {
                throw KeyroomException.conflict("a batch of site epoch " + epoch + ": this backup follows epoch "
                        + siteEpoch + "; start it from a copy of the current primary's store");
            }
            long watermark = first(c, "SELECT applied FROM feed_watermark WHERE id = 1", rs -> rs.getLong(1))
                    .orElse(0L);
            if (firstSeq > watermark + 1) {
                throw KeyroomException.conflict("gap: this backup holds changes up to " + watermark);
            }
            long seq = firstSeq;
            for (byte[] bytes : changes) {
                if (seq > watermark) {
                    Change change;
                    try {
                        change = Change.decode(bytes);
                    } catch (java.io.IOException e) {
                        throw KeyroomException.badRequest("change " + seq + " does not read: " + e.getMessage());
                    }
                    if (change.siteBookkeeping()) {
                        throw KeyroomException.badRequest("change " + seq + " is a site's own bookkeeping");
                    }
                    // Each write runs inside this transaction (a write made on the writer thread is nested).
                    Object outcome = change.applyTo(this);
                    // The primary recorded it because it changed something; here it must too.
                    if (Boolean.FALSE.equals(outcome)
                            || (outcome instanceof RekeyOutcome r && !(r instanceof RekeyOutcome.Rekeyed))) {
                        throw KeyroomException.conflict(
                                "change " + seq + " did not apply as it did on the primary (" + outcome + ")");
                    }
                    applied.add(ChangeEffects.of(change, outcome, true));
                }
                seq++;
            }
            long now = Math.max(watermark, seq - 1);
            update(c, "UPDATE feed_watermark SET applied = ? WHERE id = 1", now);
            return now;
        });
        // Committed: what the changes mean for this node's sessions (a removed member's, a revoked identity's).
        for (java.util.function.Consumer<ChangeEffects> effect : applied) {
            for (ChangeEffects l : effectListeners) {
                try {
                    effect.accept(l);
                } catch (RuntimeException e) {
                    log.atWarn().setCause(e).log("a listener of applied changes failed");
                }
            }
        }
        return done;
    }

    @Override
    public void onChange(ChangeEffects listener) {
        effectListeners.add(listener);
    }

    /**
     * Makes this store, a consistent copy of a primary's, the start of a new backup (issue 7): its
     * watermark becomes the last change the copy holds, so the primary's feed goes on right after
     * it, and the copy's own feeds are emptied. Refused (CONFLICT) for a fenced primary's store.
     * Returns the watermark.
     */
    public long prepareAsBackup() {
        return db.write(c -> {
            Site site = site(c);
            if (site.fenced()) {
                throw KeyroomException.conflict("this store belonged to a primary fenced by site epoch "
                        + site.fencedBy() + ": seed the backup from the new primary");
            }
            long last = first(
                            c,
                            "SELECT coalesce(max(seq), (SELECT seq FROM sqlite_sequence WHERE name = 'change_feed'), 0)"
                                    + " FROM change_feed",
                            rs -> rs.getLong(1))
                    .orElse(0L);
            update(c, "UPDATE feed_watermark SET applied = ? WHERE id = 1", last);
            // A promotion of the primary's is its own: this store starts a backup.
            update(c, "UPDATE site SET promoted_key = NULL, promoted_at = NULL WHERE id = 1");
            update(c, "DELETE FROM change_feed");
            update(c, "DELETE FROM blob_feed");
            return last;
        });
    }

    // ---- the site epoch (REPL-7)

    /**
     * This site's epoch and what happened to it: the site key promoted to it and when, and a higher
     * epoch this site learnt of while it was a primary (it is then fenced), 0 if none.
     */
    public record Site(long epoch, Optional<byte[]> promotedKey, Optional<Instant> promotedAt, long fencedBy) {
        public boolean fenced() {
            return fencedBy > epoch;
        }
    }

    public Site site() {
        return db.read(SqliteStore::site);
    }

    private static Site site(Connection c) throws SQLException {
        return first(c, "SELECT epoch, promoted_key, promoted_at, fenced_by FROM site WHERE id = 1", rs -> {
                    long at = rs.getLong(3);
                    Optional<Instant> promotedAt =
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(at));
                    return new Site(rs.getLong(1), Optional.ofNullable(rs.getBytes(2)), promotedAt, rs.getLong(4));
                })
                .orElseThrow();
    }

    /**
     * Promotes this site (a backup) to epoch {@code fromEpoch + 1}, in one transaction: refused
     * (CONFLICT) when the site is not at {@code fromEpoch} or is fenced. The feed's sequence goes
     * on from the watermark, so a backup started from a copy of this store follows on from it.
     */
    public Site promote(long fromEpoch, byte[] siteKey, Instant at) {
        return db.write(c -> {
            Site now = site(c);
            if (now.fenced()) {
                throw KeyroomException.conflict("this site was fenced by site epoch " + now.fencedBy());
            }
            if (now.epoch() != fromEpoch) {
                throw KeyroomException.conflict("this site is at epoch " + now.epoch() + ", not " + fromEpoch);
            }
            update(
                    c,
                    "UPDATE site SET epoch = ?, promoted_key = ?, promoted_at = ? WHERE id = 1",
                    fromEpoch + 1,
                    siteKey,
                    at.getEpochSecond());
            long watermark = first(c, "SELECT applied FROM feed_watermark WHERE id = 1", rs -> rs.getLong(1))
                    .orElse(0L);
            update(c, "DELETE FROM sqlite_sequence WHERE name = 'change_feed' AND seq < ?", watermark);
            if (!exists(c, "SELECT 1 FROM sqlite_sequence WHERE name = 'change_feed'")) {
                update(c, "INSERT INTO sqlite_sequence (name, seq) VALUES ('change_feed', ?)", watermark);
            }
            return site(c);
        });
    }

    /**
     * Records that a site of a higher epoch exists (a primary learnt it from its backup): this site
     * is fenced from then on, also after a restart. A lower or equal epoch changes nothing.
     */
    public Site fence(long newerEpoch) {
        return db.write(c -> {
            update(
                    c,
                    "UPDATE site SET fenced_by = ? WHERE id = 1 AND epoch < ? AND coalesce(fenced_by, 0) < ?",
                    newerEpoch,
                    newerEpoch,
                    newerEpoch);
            return site(c);
        });
    }

    // ---- users

    @Override
    public void createUser(User user) {
        recorded(new Change.CreateUser(user), r -> true, c -> {
            if (exists(
                    c, "SELECT 1 FROM users WHERE endpoint = ?", user.endpoint().value())) {
                throw KeyroomException.conflict("that key is already registered");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO users (endpoint, name, role, status, sign_pub, kex_pub, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, user.endpoint().value());
                ps.setString(2, user.name());
                ps.setString(3, user.role().wireName());
                ps.setString(4, user.status().wireName());
                ps.setBytes(5, user.signPub());
                ps.setBytes(6, user.kexPub());
                ps.setLong(7, user.createdAt().getEpochSecond());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static final String USER_COLUMNS = "endpoint, name, role, status, sign_pub, kex_pub, created_at";

    @Override
    public Optional<User> findUser(EndpointId endpoint) {
        return db.read(c -> first(
                c, "SELECT " + USER_COLUMNS + " FROM users WHERE endpoint = ?", SqliteStore::user, endpoint.value()));
    }

    @Override
    public List<User> listUsers() {
        return db.read(c -> all(c, "SELECT " + USER_COLUMNS + " FROM users ORDER BY rowid", SqliteStore::user));
    }

    @Override
    public boolean setUserStatus(EndpointId endpoint, UserStatus status) {
        return recorded(
                new Change.SetUserStatus(endpoint, status),
                Boolean.TRUE::equals,
                c -> update(c, "UPDATE users SET status = ? WHERE endpoint = ?", status.wireName(), endpoint.value())
                        == 1);
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(
                new EndpointId(rs.getString(1)),
                rs.getString(2),
                Role.parse(rs.getString(3)),
                UserStatus.parse(rs.getString(4)),
                rs.getBytes(5),
                rs.getBytes(6),
                Instant.ofEpochSecond(rs.getLong(7)));
    }

    // ---- rooms

    @Override
    public void createRoom(Room room, Member owner, Optional<byte[]> ownerSealedKey) {
        recorded(new Change.CreateRoom(room, owner, ownerSealedKey), r -> true, c -> {
            if (exists(c, "SELECT 1 FROM rooms WHERE room_id = ?", room.id().value())) {
                throw KeyroomException.conflict("a room with that id exists");
            }
            update(
                    c,
                    "INSERT INTO rooms (room_id, name, policy, epoch, owner, created_at, rekey_required)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    room.id().value(),
                    room.name(),
                    room.policy().wireName(),
                    room.epoch(),
                    room.owner().value(),
                    room.createdAt().getEpochSecond(),
                    room.rekeyRequired() ? 1 : 0);
            insertMember(c, room.id(), owner);
            if (ownerSealedKey.isPresent()) {
                insertKey(c, room.id(), room.epoch(), owner.endpoint(), ownerSealedKey.get());
            }
            return null;
        });
    }

    private static final String ROOM_COLUMNS =
            "r.room_id, r.name, r.policy, r.epoch, r.owner, r.created_at, r.rekey_required";

    @Override
    public Optional<Room> findRoom(RoomId room) {
        return db.read(c -> first(
                c, "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.room_id = ?", SqliteStore::room, room.value()));
    }

    private static Room room(ResultSet rs) throws SQLException {
        return new Room(
                new RoomId(rs.getString(1)),
                rs.getString(2),
                RoomPolicy.parse(rs.getString(3)),
                rs.getLong(4),
                new EndpointId(rs.getString(5)),
                Instant.ofEpochSecond(rs.getLong(6)),
                rs.getInt(7) == 1);
    }

    @Override
    public Optional<Member> findMember(RoomId room, EndpointId endpoint) {
        return db.read(c -> first(
                c,
                "SELECT endpoint, role, joined_at FROM members WHERE room_id = ? AND endpoint = ?",
                SqliteStore::member,
                room.value(),
                endpoint.value()));
    }

    @Override
    public List<Member> listMembers(RoomId room) {
        return db.read(c -> all(
                c,
                "SELECT endpoint, role, joined_at FROM members WHERE room_id = ? ORDER BY rowid",
                SqliteStore::member,
                room.value()));
    }

    private static Member member(ResultSet rs) throws SQLException {
        return new Member(
                new EndpointId(rs.getString(1)), RoomRole.parse(rs.getString(2)), Instant.ofEpochSecond(rs.getLong(3)));
    }

    @Override
    public void addMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey) {
        recorded(new Change.AddMember(room, member, epoch, sealedKey), r -> true, c -> {
            Optional<Room> r = first(
                    c, "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.room_id = ?", SqliteStore::room, room.value());
            if (r.isEmpty()) {
                throw KeyroomException.notFound();
            }
            if (r.get().epoch() != epoch) {
                throw KeyroomException.conflict("the sealed key is not for the current epoch");
            }
            if (r.get().rekeyRequired()) {
                throw KeyroomException.conflict("the room must be rekeyed before members are added");
            }
            if (exists(
                    c,
                    "SELECT 1 FROM members WHERE room_id = ? AND endpoint = ?",
                    room.value(),
                    member.endpoint().value())) {
                throw KeyroomException.conflict("already a member");
            }
            insertMember(c, room, member);
            if (sealedKey.isPresent()) {
                update(
                        c,
                        "DELETE FROM sealed_keys WHERE room_id = ? AND epoch = ? AND endpoint = ?",
                        room.value(),
                        epoch,
                        member.endpoint().value());
                insertKey(c, room, epoch, member.endpoint(), sealedKey.get());
            }
            return null;
        });
    }

    @Override
    public boolean removeMember(RoomId room, EndpointId endpoint) {
        return recorded(new Change.RemoveMember(room, endpoint), Boolean.TRUE::equals, c -> {
            int n = update(c, "DELETE FROM members WHERE room_id = ? AND endpoint = ?", room.value(), endpoint.value());
            if (n == 1) {
                update(c, "UPDATE rooms SET rekey_required = 1 WHERE room_id = ?", room.value());
            }
            return n == 1;
        });
    }

    @Override
    public RekeyOutcome rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys) {
        return recorded(
                new Change.Rekey(room, fromEpoch, remove, sealedKeys), r -> r instanceof RekeyOutcome.Rekeyed, c -> {
                    Optional<Room> r = first(
                            c,
                            "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.room_id = ?",
                            SqliteStore::room,
                            room.value());
                    if (r.isEmpty()) {
                        return new RekeyOutcome.NoSuchRoom();
                    }
                    if (r.get().epoch() != fromEpoch) {
                        return new RekeyOutcome.StaleEpoch(r.get().epoch());
                    }
                    Set<EndpointId> members = new LinkedHashSet<>();
                    for (Member m : all(
                            c,
                            "SELECT endpoint, role, joined_at FROM members WHERE room_id = ?",
                            SqliteStore::member,
                            room.value())) {
                        members.add(m.endpoint());
                    }
                    for (EndpointId e : new TreeSet<>(remove)) {
                        if (!members.contains(e)) {
                            return new RekeyOutcome.NotAMember(e);
                        }
                    }
                    Set<EndpointId> remaining = new HashSet<>(members);
                    remaining.removeAll(remove);
                    Set<EndpointId> missing = new HashSet<>();
                    if (r.get().policy() == RoomPolicy.ENCRYPTED) {
                        missing.addAll(remaining);
                        missing.removeAll(sealedKeys.keySet());
                    }
                    Set<EndpointId> unexpected = new HashSet<>(sealedKeys.keySet());
                    unexpected.removeAll(remaining);
                    if (!missing.isEmpty() || !unexpected.isEmpty()) {
                        return new RekeyOutcome.KeysMismatch(Set.copyOf(missing), Set.copyOf(unexpected));
                    }
                    long next = fromEpoch + 1;
                    for (EndpointId e : remove) {
                        update(c, "DELETE FROM members WHERE room_id = ? AND endpoint = ?", room.value(), e.value());
                    }
                    for (Map.Entry<EndpointId, byte[]> k : sealedKeys.entrySet()) {
                        insertKey(c, room, next, k.getKey(), k.getValue());
                    }
                    update(c, "UPDATE rooms SET epoch = ?, rekey_required = 0 WHERE room_id = ?", next, room.value());
                    return new RekeyOutcome.Rekeyed(next);
                });
    }

    @Override
    public Optional<byte[]> findSealedKey(RoomId room, long epoch, EndpointId endpoint) {
        return db.read(c -> first(
                c,
                "SELECT sealed FROM sealed_keys WHERE room_id = ? AND epoch = ? AND endpoint = ?",
                rs -> rs.getBytes(1),
                room.value(),
                epoch,
                endpoint.value()));
    }

    @Override
    public List<Membership> roomsOf(EndpointId endpoint) {
        return db.read(c -> all(
                c,
                "SELECT " + ROOM_COLUMNS + ", m.role FROM members m JOIN rooms r ON r.room_id = m.room_id"
                        + " WHERE m.endpoint = ? ORDER BY r.rowid",
                rs -> new Membership(room(rs), RoomRole.parse(rs.getString(8))),
                endpoint.value()));
    }

    // ---- messages

    @Override
    public java.util.concurrent.CompletableFuture<Long> appendMessage(
            RoomId room,
            String messageId,
            EndpointId sender,
            long epoch,
            byte[] envelope,
            Instant receivedAt,
            Retention retention) {
        java.util.concurrent.CompletableFuture<Long> appended = db.writeAsync(c -> {
            long[] row = first(
                            c,
                            "SELECT epoch, coalesce(retain_count, 0), coalesce(retain_days, 0) FROM rooms WHERE room_id = ?",
                            rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                            room.value())
                    .orElseThrow(KeyroomException::notFound);
            long current = row[0];
            Retention keep = new RetentionSetting(
                            row[1] == 0 ? Optional.empty() : Optional.of((int) row[1]),
                            row[2] == 0 ? Optional.empty() : Optional.of((int) row[2]),
                            Optional.empty())
                    .resolve(retention);
            if (current != epoch) {
                throw KeyroomException.conflict("the message is not for the room's current epoch " + current);
            }
            if (exists(c, "SELECT 1 FROM messages WHERE room_id = ? AND message_id = ?", room.value(), messageId)) {
                throw KeyroomException.conflict("a message with that id was published already");
            }
            update(c, "UPDATE rooms SET last_seq = last_seq + 1 WHERE room_id = ?", room.value());
            long seq = first(c, "SELECT last_seq FROM rooms WHERE room_id = ?", rs -> rs.getLong(1), room.value())
                    .orElseThrow();
            update(
                    c,
                    "INSERT INTO messages (room_id, seq, message_id, sender, epoch, envelope, received_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    room.value(),
                    seq,
                    messageId,
                    sender.value(),
                    epoch,
                    envelope,
                    receivedAt.toEpochMilli());
            prune(c, room, seq, keep, receivedAt);
            record(c, new Change.AppendMessage(room, messageId, sender, epoch, envelope, receivedAt, retention));
            return seq;
        });
        return feed ? appended.whenComplete((v, e) -> fed()) : appended;
    }

    // ---- the vault

    @Override
    public long putSecret(
            RoomId room,
            String name,
            Optional<Long> ifVersion,
            java.util.function.LongFunction<Keyring.Sealed> seal,
            EndpointId by,
            Instant at,
            int keep) {
        long written = db.write(c -> {
            int kept = keptVersions(c, room, keep);
            long[] latest = latestSecret(c, room, name);
            long current = latest[0];
            if (ifVersion.isPresent() && ifVersion.get() != current) {
                throw KeyroomException.conflict("the secret is at version " + current
                        + (latest[1] == 1 ? " (deleted)" : "") + ", not " + ifVersion.get());
            }
            long next = current + 1;
            Keyring.Sealed sealed = seal.apply(next);
            update(
                    c,
                    "INSERT INTO secrets (room_id, name, version, key_id, nonce, ciphertext, tombstone, created_by,"
                            + " created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    room.value(),
                    name,
                    next,
                    sealed.keyId(),
                    sealed.nonce(),
                    sealed.ciphertext(),
                    by.value(),
                    at.toEpochMilli());
            pruneVersions(c, room, name, next, kept);
            record(c, new Change.PutSecret(room, name, current, sealed, by, at, keep));
            return next;
        });
        fed();
        return written;
    }

    /** The room's own number of versions to keep, or {@code fallback}; NOT_FOUND without the room. */
    private static int keptVersions(Connection c, RoomId room, int fallback) throws SQLException {
        int own = first(
                        c,
                        "SELECT coalesce(secret_versions, 0) FROM rooms WHERE room_id = ?",
                        rs -> rs.getInt(1),
                        room.value())
                .orElseThrow(KeyroomException::notFound);
        return own > 0 ? own : fallback;
    }

    @Override
    public long deleteSecret(RoomId room, String name, EndpointId by, Instant at, int keep) {
        return recorded(new Change.DeleteSecret(room, name, by, at, keep), r -> true, c -> {
            int kept = keptVersions(c, room, keep);
            long[] latest = latestSecret(c, room, name);
            if (latest[0] == 0 || latest[1] == 1) {
                throw KeyroomException.notFound();
            }
            long next = latest[0] + 1;
            update(
                    c,
                    "INSERT INTO secrets (room_id, name, version, tombstone, created_by, created_at)"
                            + " VALUES (?, ?, ?, 1, ?, ?)",
                    room.value(),
                    name,
                    next,
                    by.value(),
                    at.toEpochMilli());
            pruneVersions(c, room, name, next, kept);
            return next;
        });
    }

    /** {latest version or 0, 1 if it is a tombstone}. */
    private static long[] latestSecret(Connection c, RoomId room, String name) throws SQLException {
        return first(
                        c,
                        "SELECT version, tombstone FROM secrets WHERE room_id = ? AND name = ?"
                                + " ORDER BY version DESC LIMIT 1",
                        rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        room.value(),
                        name)
                .orElse(new long[] {0, 0});
    }

    private static void pruneVersions(Connection c, RoomId room, String name, long latest, int keep)
            throws SQLException {
        update(
                c,
                "DELETE FROM secrets WHERE room_id = ? AND name = ? AND version <= ?",
                room.value(),
                name,
                latest - keep);
    }

    @Override
    public Optional<StoredSecret> secret(RoomId room, String name, Optional<Long> version) {
        String cols = "SELECT name, version, key_id, nonce, ciphertext, tombstone, created_by, created_at FROM secrets";
        return db.read(c -> version.isPresent()
                ? first(
                        c,
                        cols + " WHERE room_id = ? AND name = ? AND version = ?",
                        SqliteStore::storedSecret,
                        room.value(),
                        name,
                        version.get())
                : first(
                        c,
                        cols + " WHERE room_id = ? AND name = ? ORDER BY version DESC LIMIT 1",
                        SqliteStore::storedSecret,
                        room.value(),
                        name));
    }

    private static StoredSecret storedSecret(ResultSet rs) throws SQLException {
        boolean tombstone = rs.getInt(6) == 1;
        return new StoredSecret(
                rs.getString(1),
                rs.getLong(2),
                tombstone
                        ? Optional.empty()
                        : Optional.of(new Keyring.Sealed(rs.getInt(3), rs.getBytes(4), rs.getBytes(5))),
                new EndpointId(rs.getString(7)),
                Instant.ofEpochMilli(rs.getLong(8)));
    }

    @Override
    public List<SecretInfo> secrets(RoomId room) {
        return db.read(c -> all(
                c,
                "SELECT s.name, s.version, s.created_at FROM secrets s WHERE s.room_id = ? AND s.tombstone = 0"
                        + " AND s.version = (SELECT max(version) FROM secrets t WHERE t.room_id = s.room_id"
                        + " AND t.name = s.name) ORDER BY s.name",
                rs -> new SecretInfo(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))),
                room.value()));
    }

    @Override
    public java.util.Map<Integer, Long> sealedItemsByKey() {
        java.util.Map<Integer, Long> out = new java.util.TreeMap<>();
        db.read(c -> all(c, "SELECT key_id, count(*) FROM secrets WHERE key_id IS NOT NULL GROUP BY key_id", rs ->
                        new long[] {rs.getLong(1), rs.getLong(2)}))
                .forEach(r -> out.put((int) r[0], r[1]));
        db.read(c -> all(
                        c, "SELECT substr(sealed, 1, 8), count(*) FROM sealed_keys GROUP BY substr(sealed, 1, 8)", rs ->
                                new Object[] {rs.getBytes(1), rs.getLong(2)}))
                .forEach(r -> {
                    byte[] head = (byte[]) r[0];
                    int key = dev.keyroom.core.vault.AtRestKeys.keyIdOf(
                                    java.util.Arrays.copyOf(head, Math.max(head.length, 21)))
                            .orElse(0);
                    out.merge(key, (Long) r[1], Long::sum);
                });
        return out;
    }

    @Override
    public List<SealedKeyRow> sealedKeysNotUnder(int keyId, int limit) {
        byte[] head = java.nio.ByteBuffer.allocate(8)
                .put("KRW1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(keyId)
                .array();
        return db.read(c -> all(
                c,
                "SELECT room_id, epoch, endpoint, sealed FROM sealed_keys WHERE substr(sealed, 1, 8) <> ? LIMIT ?",
                rs -> new SealedKeyRow(
                        new RoomId(rs.getString(1)), rs.getLong(2), new EndpointId(rs.getString(3)), rs.getBytes(4)),
                head,
                limit));
    }

    @Override
    public boolean resealKey(SealedKeyRow expected, byte[] replacement) {
        return recorded(
                new Change.ResealKey(expected, replacement),
                Boolean.TRUE::equals,
                c -> update(
                                c,
                                "UPDATE sealed_keys SET sealed = ? WHERE room_id = ? AND epoch = ? AND endpoint = ? AND sealed = ?",
                                replacement,
                                expected.room().value(),
                                expected.epoch(),
                                expected.member().value(),
                                expected.stored())
                        == 1);
    }

    @Override
    public List<SealedRow> sealedNotUnder(int keyId, int limit) {
        return db.read(c -> all(
                c,
                "SELECT room_id, name, version, key_id, nonce, ciphertext FROM secrets"
                        + " WHERE key_id IS NOT NULL AND key_id <> ? LIMIT ?",
                rs -> new SealedRow(
                        new RoomId(rs.getString(1)),
                        rs.getString(2),
                        rs.getLong(3),
                        new Keyring.Sealed(rs.getInt(4), rs.getBytes(5), rs.getBytes(6))),
                keyId,
                limit));
    }

    @Override
    public boolean reseal(SealedRow expected, Keyring.Sealed replacement) {
        return recorded(
                new Change.Reseal(expected, replacement),
                Boolean.TRUE::equals,
                c -> update(
                                c,
                                "UPDATE secrets SET key_id = ?, nonce = ?, ciphertext = ?"
                                        + " WHERE room_id = ? AND name = ? AND version = ? AND key_id = ? AND nonce = ?",
                                replacement.keyId(),
                                replacement.nonce(),
                                replacement.ciphertext(),
                                expected.room().value(),
                                expected.name(),
                                expected.version(),
                                expected.sealed().keyId(),
                                expected.sealed().nonce())
                        == 1);
    }

    @Override
    public int recordBreach(EndpointId agent, Instant at, Instant since) {
        return recorded(new Change.RecordBreach(agent, at, since), r -> true, c -> {
            update(c, "INSERT INTO agent_breaches (endpoint, at) VALUES (?, ?)", agent.value(), at.toEpochMilli());
            update(c, "DELETE FROM agent_breaches WHERE endpoint = ? AND at < ?", agent.value(), since.toEpochMilli());
            return first(
                            c,
                            "SELECT count(*) FROM agent_breaches WHERE endpoint = ? AND at >= ?",
                            rs -> rs.getInt(1),
                            agent.value(),
                            since.toEpochMilli())
                    .orElse(0);
        });
    }

    /** Two range deletes, each on its own index, so that only rows that go are visited. */
    private static void prune(Connection c, RoomId room, long lastSeq, Retention keep, Instant now)
            throws SQLException {
        if (lastSeq > keep.count()) {
            update(c, "DELETE FROM messages WHERE room_id = ? AND seq <= ?", room.value(), lastSeq - keep.count());
        }
        update(
                c,
                "DELETE FROM messages WHERE room_id = ? AND received_at < ?",
                room.value(),
                now.minus(keep.age()).toEpochMilli());
    }

    @Override
    public RetentionSetting retentionSetting(RoomId room) {
        return db.read(c -> first(
                        c,
                        "SELECT retain_count, retain_days, secret_versions FROM rooms WHERE room_id = ?",
                        rs -> new RetentionSetting(optionalInt(rs, 1), optionalInt(rs, 2), optionalInt(rs, 3)),
                        room.value()))
                .orElseThrow(KeyroomException::notFound);
    }

    private static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    @Override
    public void setRetention(
            RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now) {
        recorded(new Change.SetRetention(room, setting, effective, secretVersions, now), r -> true, c -> {
            if (update(
                            c,
                            "UPDATE rooms SET retain_count = ?, retain_days = ?, secret_versions = ? WHERE room_id = ?",
                            setting.count().orElse(null),
                            setting.days().orElse(null),
                            setting.secretVersions().orElse(null),
                            room.value())
                    == 0) {
                throw KeyroomException.notFound();
            }
            long lastSeq = first(c, "SELECT last_seq FROM rooms WHERE room_id = ?", rs -> rs.getLong(1), room.value())
                    .orElseThrow();
            prune(c, room, lastSeq, effective, now);
            update(
                    c,
                    "DELETE FROM secrets WHERE room_id = ? AND version <= (SELECT max(t.version) FROM secrets t"
                            + " WHERE t.room_id = secrets.room_id AND t.name = secrets.name) - ?",
                    room.value(),
                    secretVersions);
            return null;
        });
    }

    @Override
    public List<StoredMessage> messagesAfter(RoomId room, long afterSeq, int limit) {
        return db.read(c -> all(
                c,
                "SELECT seq, message_id, sender, epoch, envelope, received_at FROM messages"
                        + " WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                rs -> new StoredMessage(
                        room,
                        rs.getLong(1),
                        rs.getString(2),
                        new EndpointId(rs.getString(3)),
                        rs.getLong(4),
                        rs.getBytes(5),
                        Instant.ofEpochMilli(rs.getLong(6))),
                room.value(),
                afterSeq,
                limit));
    }

    // ---- bans

    @Override
    public void putBan(Ban ban) {
        recorded(
                new Change.PutBan(ban),
                r -> true,
                c -> update(
                        c,
                        "INSERT INTO bans (subject, until, reason) VALUES (?, ?, ?)"
                                + " ON CONFLICT (subject) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                        ban.subject(),
                        ban.until().toEpochMilli(),
                        ban.reason()));
    }

    @Override
    public List<Ban> activeBans(Instant now) {
        return db.read(c -> all(
                c,
                "SELECT subject, until, reason FROM bans WHERE until > ? ORDER BY subject",
                rs -> new Ban(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)),
                now.toEpochMilli()));
    }

    @Override
    public boolean deleteBan(String subject) {
        return recorded(
                new Change.DeleteBan(subject),
                Boolean.TRUE::equals,
                c -> update(c, "DELETE FROM bans WHERE subject = ?", subject) == 1);
    }

    @Override
    public void close() {
        db.close();
    }

    // ---- helpers

    private static void insertMember(Connection c, RoomId room, Member m) throws SQLException {
        update(
                c,
                "INSERT INTO members (room_id, endpoint, role, joined_at) VALUES (?, ?, ?, ?)",
                room.value(),
                m.endpoint().value(),
                m.role().wireName(),
                m.joinedAt().getEpochSecond());
    }

    private static void insertKey(Connection c, RoomId room, long epoch, EndpointId e, byte[] sealed)
            throws SQLException {
        update(
                c,
                "INSERT INTO sealed_keys (room_id, epoch, endpoint, sealed) VALUES (?, ?, ?, ?)",
                room.value(),
                epoch,
                e.value(),
                sealed);
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Prepared statements by connection and SQL text. Each connection belongs to one pool thread, so
     * its map is only touched by that thread; the SQL texts are constants of this package, a bounded set.
     */
    private static final java.util.Map<Connection, java.util.Map<String, PreparedStatement>> STATEMENTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Drops the cached statements of a connection about to be closed. */
    static void forget(Connection c) {
        STATEMENTS.remove(c);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        java.util.Map<String, PreparedStatement> cached = STATEMENTS.computeIfAbsent(c, k -> new java.util.HashMap<>());
        PreparedStatement ps = cached.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            cached.put(sql, ps);
        }
        ps.clearParameters();
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        return prepare(c, sql, args).executeUpdate();
    }

    private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            return rs.next();
        }
    }

    private static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        }
    }

    private static <T> List<T> all(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    static KeyroomException storageFailure(Throwable cause) {
        return new KeyroomException(ErrorCode.INTERNAL, "storage failure", cause);
    }
}
