package dev.keyroom.store.nats;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
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
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.core.vault.Keyring;
import dev.keyroom.core.vault.SecretInfo;
import dev.keyroom.core.vault.StoredSecret;
import dev.keyroom.store.sqlite.Change;
import dev.keyroom.store.sqlite.SqliteStore;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link Store}: a replicated state machine on one JetStream stream.
 *
 * <p>Every change is a command published to the stream {@value #STREAM}, replicated by the NATS
 * cluster's Raft group before it is acknowledged. Every node applies every command, in stream
 * order, to a replica of its own (a {@link SqliteStore} rebuilt from the stream at start), and the
 * outcome of a command is what applying it gives: the rules, compare-and-set checks and unique
 * constraints are the embedded store's own, evaluated against the same history on every node, so
 * two nodes racing for the same room or version are decided by the stream's order, once, the
 * same way everywhere. A caller is answered once its command is in the stream and applied here.
 *
 * <p>Reads are linearizable: before a read, the node asks the stream for its last sequence and
 * waits until its replica has applied it, so a read sees every change that returned on any node
 * before it started. When the cluster cannot answer (no quorum, timeout) every call fails with
 * {@code OVERLOADED}, and callers deciding authentication or authorization deny.
 *
 * <p>Applied commands that revoke identities or remove members are reported to {@link dev.keyroom.store.sqlite.ChangeEffects}
 * listeners on every node, which is how a revocation on one node closes sessions on the others.
 *
 * <p>A replica that cannot apply a command for a reason other than the command itself (its disk,
 * its database) stops: it could otherwise diverge. The store then refuses everything until the
 * node is restarted, which rebuilds the replica.
 */
public final class JetStreamStore implements Store, dev.keyroom.store.sqlite.SiteFeed {
    private static final Logger log = LoggerFactory.getLogger(JetStreamStore.class);
    public static final String STREAM = "KEYROOM_STATE";
    public static final String SUBJECT = "keyroom.state";
    /** Commands applied without waiting (message appends) at most, before applying pauses. */
    private static final int MAX_PENDING_APPLIES = 4096;

    private final Connection nats;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Duration timeout;
    private final SqliteStore replica;
    private final long node;
    private final AtomicLong counter = new AtomicLong();
    private final Map<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();
    private final List<dev.keyroom.store.sqlite.ChangeEffects> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore pendingApplies = new Semaphore(MAX_PENDING_APPLIES);
    private final Dispatcher dispatcher;
    private volatile JetStreamSubscription subscription;
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "keyroom-state-watchdog");
                t.setDaemon(true);
                return t;
            });
    /** What the watchdog saw last: the applied sequence, and how many checks in a row it stood still behind. */
    private long watchedApplied = -1;

    private int stalledChecks;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    /** The last stream sequence whose command is applied to the replica. */
    private long applied;
    /** The stream sequence the next delivered command must have; only the applying thread changes it. */
    private volatile long expected;

    private volatile KeyroomException broken;

    private final Path replicaDir;
    private final Snapshots snapshots;
    /** Commands between snapshots: each bounds how much a starting replica replays. */
    private final long snapshotEvery;
    /** The sequence of the last snapshot marker applied (or the snapshot this replica started from). */
    private volatile long lastSnapshot;

    private JetStreamStore(
            Connection nats, int replicas, Path replicaDir, Duration timeout, long snapshotEvery, boolean recordChanges)
            throws Exception {
        this.nats = nats;
        this.timeout = timeout;
        JetStreamOptions options =
                JetStreamOptions.builder().requestTimeout(timeout).build();
        this.js = nats.jetStream(options);
        this.jsm = nats.jetStreamManagement(options);
        this.node = new SecureRandom().nextLong();
        ensureStream(jsm, replicas);

        Files.createDirectories(replicaDir);
        Path file = replicaDir.resolve("replica.db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(replicaDir.resolve("replica.db" + suffix));
        }
        this.replicaDir = replicaDir;
        this.snapshots = new Snapshots(nats, replicas, timeout);
        this.snapshotEvery = snapshotEvery;
        long start = snapshots.restore(file);
        this.lastSnapshot = start;
        this.replica = SqliteStore.openReplica(file, recordChanges);
        forwardBatchEffects();
        this.applied = start;
        this.expected = start + 1;
        this.dispatcher = nats.createDispatcher();
        try {
            this.subscription = follow(start + 1);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            nats.closeDispatcher(dispatcher);
            replica.close();
            throw e;
        }
        watchdog.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * An ordered consumer of the stream from {@code from}, delivering to {@link #apply} on the
     * dispatcher. Its short heartbeat lets the client notice a lost consumer (its server died) within
     * about a second and a half and recreate it on another server.
     */
    private JetStreamSubscription follow(long from) throws IOException, JetStreamApiException {
        return js.subscribe(
                SUBJECT,
                dispatcher,
                this::apply,
                false,
                PushSubscribeOptions.builder().stream(STREAM)
                        .ordered(true)
                        .configuration(ConsumerConfiguration.builder()
                                .deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(from)
                                .idleHeartbeat(Duration.ofMillis(500))
                                .build())
                        .build());
    }

    /**
     * Once a second: if the replica is behind the stream and has not moved for two checks, its
     * consumer is lost (it can be, when the cluster lost quorum while the consumer was being
     * recreated), so follow the stream again from the next command to apply. Commands delivered
     * twice meanwhile are skipped by their sequence.
     */
    private void watch() {
        if (broken != null) {
            return;
        }
        try {
            long last = lastSequence();
            long now = appliedSequence();
            stalledChecks = now < last && now == watchedApplied ? stalledChecks + 1 : 0;
            watchedApplied = now;
            if (stalledChecks >= 2) {
                stalledChecks = 0;
                JetStreamSubscription old = subscription;
                subscription = follow(expected);
                log.atWarn()
                        .addKeyValue("applied", now)
                        .addKeyValue("last", last)
                        .log("the replica stood still behind the state stream; following it again");
                try {
                    dispatcher.unsubscribe(old);
                } catch (RuntimeException e) {
                    log.atDebug().setCause(e).log("dropping the old state consumer failed");
                }
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.atDebug().setCause(e).log("the state watchdog could not check the stream");
        }
    }

    /**
     * Opens the cluster's store: creates the stream with {@code replicas} copies if it does not exist
     * yet, rebuilds this node's replica under {@code replicaDir} from the stream, and returns once
     * the replica has caught up with it (or fails within {@code catchUp}).
     */
    public static JetStreamStore open(
            Connection nats, int replicas, Path replicaDir, Duration timeout, Duration catchUp) {
        return open(nats, replicas, replicaDir, timeout, catchUp, DEFAULT_SNAPSHOT_EVERY);
    }

    /** Commands between two snapshots unless told otherwise. */
    public static final long DEFAULT_SNAPSHOT_EVERY = 100_000;

    /** As above, taking a snapshot every {@code snapshotEvery} commands. */
    public static JetStreamStore open(
            Connection nats, int replicas, Path replicaDir, Duration timeout, Duration catchUp, long snapshotEvery) {
        return open(nats, replicas, replicaDir, timeout, catchUp, snapshotEvery, false);
    }

    /**
     * As above; with {@code recordChanges}, every node's replica also keeps the change feed and the
     * blob feed a primary site sends its backup (issue 7). They are written by the commands, so
     * every node's feeds are the same, whichever node sends them.
     */
    public static JetStreamStore open(
            Connection nats,
            int replicas,
            Path replicaDir,
            Duration timeout,
            Duration catchUp,
            long snapshotEvery,
            boolean recordChanges) {
        JetStreamStore store;
        try {
            store = new JetStreamStore(nats, replicas, replicaDir, timeout, snapshotEvery, recordChanges);
        } catch (KeyroomException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("cannot open the cluster's state stream", e);
        }
        try {
            store.awaitApplied(store.lastSequence(), catchUp);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    static void ensureStream(JetStreamManagement jsm, int replicas) throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(STREAM);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10059) { // stream not found
                throw e;
            }
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(SUBJECT)
                    .replicas(replicas)
                    .storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2))
                    .build());
        }
    }

    @Override
    public void onChange(dev.keyroom.store.sqlite.ChangeEffects listener) {
        listeners.add(listener);
    }

    /** The stream sequence of the last command this node's replica applied. */
    public long appliedSequence() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Writes a consistent copy of this node's replica, after catching up, to {@code target}. */
    public void copyTo(Path target) {
        barrier();
        replica.snapshotTo(target);
    }

    /** Counts and a digest of every record in this node's replica, after catching up. */
    public SqliteStore.Digest digest() {
        barrier();
        return replica.digest();
    }

    // ---- applying

    /** A command is a header (origin node, its counter, kind) and, for a change, the change's bytes. */
    private static final int HEADER = 17;

    private static final byte CHANGE = 0, SNAPSHOT = 1;

    /** Runs on the dispatcher's thread, one command at a time, in stream order. */
    private void apply(Message msg) {
        if (broken != null) {
            return;
        }
        long seq = msg.metaData().streamSequence();
        if (seq < expected) {
            return; // delivered again after the consumer was recreated
        }
        if (seq != expected) {
            stop(new KeyroomException(
                    ErrorCode.INTERNAL,
                    "the state stream skips from " + (expected - 1) + " to " + seq
                            + "; restart the node to rebuild its replica from a snapshot"));
            return;
        }
        expected = seq + 1;
        if (seq - lastSnapshot >= snapshotEvery) {
            // Due: ask for one (without waiting). Nodes that ask at once each take theirs; the newer
            // replaces the older by CAS, and every node counts from the last marker it applied.
            lastSnapshot = seq;
            submit(SNAPSHOT, new byte[0]);
        }
        ByteBuffer data = ByteBuffer.wrap(msg.getData());
        Change change;
        long origin;
        long id;
        try {
            if (data.remaining() < HEADER) {
                throw new IOException("a command shorter than its header");
            }
            origin = data.getLong();
            id = data.getLong();
            byte kind = data.get();
            if (kind == SNAPSHOT) {
                lastSnapshot = seq;
                drainAppends();
                if (origin == node) {
                    takeSnapshot(seq);
                }
                advance(seq);
                settle(origin, id, null);
                return;
            }
            if (kind != CHANGE) {
                throw new IOException("unknown command kind " + kind);
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            change = Change.decode(bytes);
        } catch (IOException e) {
            // Not a command this version can read: refusing it here refuses it everywhere alike.
            log.atError().addKeyValue("seq", seq).setCause(e).log("an unreadable state change is skipped");
            drainAppends();
            advance(seq);
            return;
        }
        if (change instanceof Change.AppendMessage a) {
            applyAppend(a, seq, origin, id);
            return;
        }
        Object outcome = run(change, origin == node);
        if (isReplicaFailure(outcome)) {
            stop((KeyroomException) outcome);
            return;
        }
        advance(seq);
        settle(origin, id, outcome);
    }

    /**
     * Waits until every append applied without waiting is in the replica, so that advancing past a
     * command that wrote nothing cannot let a read pass before an earlier append.
     */
    private void drainAppends() {
        pendingApplies.acquireUninterruptibly(MAX_PENDING_APPLIES);
        pendingApplies.release(MAX_PENDING_APPLIES);
    }

    private void applyAppend(Change.AppendMessage a, long seq, long origin, long id) {
        pendingApplies.acquireUninterruptibly();
        CompletableFuture<Long> f;
        try {
            f = replica.appendMessage(
                    a.room(), a.messageId(), a.sender(), a.epoch(), a.envelope(), a.receivedAt(), a.retention());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        // The replica completes its writes in the order they were made, so sequences advance in order.
        f.whenComplete((value, error) -> {
            pendingApplies.release();
            Object outcome = error == null ? value : unwrap(error);
            if (isReplicaFailure(outcome)) {
                stop((KeyroomException) outcome);
                return;
            }
            advance(seq);
            settle(origin, id, outcome);
        });
    }

    /** Applies a change to the replica and tells the listeners what it means for live sessions. */
    private Object run(Change change, boolean own) {
        Object outcome;
        ownBatch = own;
        try {
            outcome = change.applyTo(replica);
        } catch (KeyroomException e) {
            return e;
        } catch (RuntimeException e) {
            return new KeyroomException(ErrorCode.INTERNAL, "applying a state change failed", e);
        } finally {
            ownBatch = false;
        }
        // A primary's batch on a cluster backup: the replica told what its changes mean (forwardBatchEffects).
        if (!(change instanceof Change.ApplyBatch)) {
            tellEffects(change, outcome, false);
        }
        return outcome;
    }

    /** Whether the change being applied came through this node; read by forwardBatchEffects. */
    private volatile boolean ownBatch;

    /**
     * A primary's batch on a cluster backup: what the replica says its new changes mean reaches this
     * store's listeners; a message only on the node the batch came through, since the bus takes it
     * to every node.
     */
    private void forwardBatchEffects() {
        replica.onChange(new dev.keyroom.store.sqlite.ChangeEffects() {
            @Override
            public void userCreated(EndpointId endpoint) {
                tell(l -> l.userCreated(endpoint));
            }

            @Override
            public void userStatusChanged(EndpointId endpoint, UserStatus status) {
                tell(l -> l.userStatusChanged(endpoint, status));
            }

            @Override
            public void membersRemoved(RoomId room, Set<EndpointId> removed) {
                tell(l -> l.membersRemoved(room, removed));
            }

            @Override
            public void banned(Ban ban) {
                tell(l -> l.banned(ban));
            }

            @Override
            public void messageAppended(RoomId room, long seq, byte[] envelope) {
                if (ownBatch) {
                    tell(l -> l.messageAppended(room, seq, envelope));
                }
            }
        });
    }

    /**
     * What an applied change means for live sessions, told to the listeners; {@code asOnPrimary}
     * for a change of a primary's batch, which applied as it did on the primary.
     */
    private void tellEffects(Change change, Object outcome, boolean asOnPrimary) {
        tell(dev.keyroom.store.sqlite.ChangeEffects.of(change, outcome, asOnPrimary));
    }

    /** Tells every listener; one that fails is logged and changes nothing about the applied command. */
    private void tell(java.util.function.Consumer<dev.keyroom.store.sqlite.ChangeEffects> event) {
        for (dev.keyroom.store.sqlite.ChangeEffects l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("a listener of applied changes failed");
            }
        }
    }

    /**
     * A failure of this node's replica rather than an outcome of the command: it timed out, or its
     * database could not read or write. Applying on would diverge from the other nodes.
     */
    private static boolean isReplicaFailure(Object outcome) {
        if (!(outcome instanceof KeyroomException e)) {
            return false;
        }
        if (e.code() == ErrorCode.OVERLOADED) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String m = String.valueOf(s.getMessage());
                return m.contains("SQLITE_FULL")
                        || m.contains("SQLITE_IOERR")
                        || m.contains("SQLITE_CORRUPT")
                        || m.contains("SQLITE_CANTOPEN")
                        || m.contains("SQLITE_READONLY");
            }
        }
        return false;
    }

    private void stop(KeyroomException cause) {
        if (broken == null) {
            broken = new KeyroomException(
                    ErrorCode.INTERNAL, "this node's replica of the cluster state stopped; restart the node", cause);
            log.atError().setCause(cause).log("the replica stopped applying the state stream");
            waiting.values().forEach(f -> f.completeExceptionally(broken));
            lock.lock();
            try {
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void advance(long seq) {
        lock.lock();
        try {
            if (seq > applied) {
                applied = seq;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void settle(long origin, long id, Object outcome) {
        if (origin != node) {
            return;
        }
        CompletableFuture<Object> f = waiting.remove(id);
        if (f != null) {
            f.complete(outcome);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof KeyroomException ? t : new KeyroomException(ErrorCode.INTERNAL, "apply failed", t);
    }

    // ---- submitting

    /** Publishes a command and completes with its outcome once this node applied it. */
    private CompletableFuture<Object> submit(Change change) {
        return submit(CHANGE, change.encode());
    }

    private CompletableFuture<Object> submit(byte kind, byte[] body) {
        KeyroomException b = broken;
        if (b != null) {
            return CompletableFuture.failedFuture(b);
        }
        long id = counter.incrementAndGet();
        byte[] command = ByteBuffer.allocate(HEADER + body.length)
                .putLong(node)
                .putLong(id)
                .put(kind)
                .put(body)
                .array();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        waiting.put(id, outcome);
        try {
            js.publishAsync(
                            SUBJECT,
                            null,
                            command,
                            PublishOptions.builder()
                                    .expectedStream(STREAM)
                                    .messageId(Long.toHexString(node) + "-" + id)
                                    .build())
                    .whenComplete((ack, error) -> {
                        if (error != null) {
                            waiting.remove(id);
                            outcome.completeExceptionally(
                                    unavailable("the cluster did not store the change", unwrap(error)));
                        }
                    });
        } catch (RuntimeException e) {
            waiting.remove(id);
            outcome.completeExceptionally(unavailable("the cluster did not take the change", e));
        }
        return outcome.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> waiting.remove(id));
    }

    private Object write(Change change) {
        return await(submit(change));
    }

    private Object await(CompletableFuture<Object> f) {
        try {
            return outcome(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the cluster", e);
        } catch (ExecutionException e) {
            throw asKeyroom(e.getCause());
        }
    }

    private static Object outcome(Object o) {
        if (o instanceof KeyroomException e) {
            // Rethrown with the caller's stack; the code and message are the command's outcome.
            throw new KeyroomException(e.code(), e.getMessage(), e);
        }
        return o;
    }

    private static KeyroomException asKeyroom(Throwable t) {
        t = unwrap(t);
        if (t instanceof TimeoutException) {
            return unavailable("the cluster did not answer in time; the change may or may not be stored", t);
        }
        if (t instanceof KeyroomException k) {
            return new KeyroomException(k.code(), k.getMessage(), k);
        }
        return unavailable("the cluster failed", t);
    }

    static KeyroomException unavailable(String what, Throwable cause) {
        return new KeyroomException(ErrorCode.OVERLOADED, what, cause);
    }

    // ---- reading

    private long lastSequence() {
        try {
            return jsm.getStreamInfo(STREAM).getStreamState().getLastSequence();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw unavailable("the cluster cannot confirm its state", e);
        }
    }

    /** Waits until this node has applied every change the stream held when the read began. */
    private void barrier() {
        awaitApplied(lastSequence(), timeout);
    }

    private void awaitApplied(long seq, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        lock.lock();
        try {
            while (applied < seq) {
                if (broken != null) {
                    throw broken;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw unavailable("this node is behind the cluster's state", null);
                }
                advanced.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while catching up", e);
        } finally {
            lock.unlock();
        }
        if (broken != null) {
            throw broken;
        }
    }

    // ---- site replication (issue 7): the feeds are the replica's, written through the stream

    @Override
    public SqliteStore.Site site() {
        barrier();
        return replica.site();
    }

    @Override
    public SqliteStore.Site promote(long fromEpoch, byte[] siteKey, Instant at) {
        return (SqliteStore.Site) write(new Change.Promote(fromEpoch, siteKey, at));
    }

    @Override
    public SqliteStore.Site fence(long newerEpoch) {
        return (SqliteStore.Site) write(new Change.Fence(newerEpoch));
    }

    /** The most a command of a primary's batch holds: NATS takes 1 MiB a message by default. */
    static final int MAX_BATCH_COMMAND_BYTES = 256 << 10;

    /** Commands of one batch in the stream at once, while this node applies the first. */
    static final int BATCH_COMMANDS_IN_FLIGHT = 4;

    /**
     * On a cluster backup: applies a primary's batch as commands of at most {@value
     * #MAX_BATCH_COMMAND_BYTES} bytes each (at least one change), in order, each in one transaction
     * on every node; up to {@value #BATCH_COMMANDS_IN_FLIGHT} at once, so the stream replicates the
     * next while the nodes apply one. A refused part leaves the parts before it applied and every
     * part after it refused alike on every node (it no longer follows the watermark); the watermark
     * says how far.
     */
    @Override
    public long applyChanges(long epoch, long firstSeq, List<byte[]> changes) {
        java.util.ArrayDeque<CompletableFuture<Object>> inFlight = new java.util.ArrayDeque<>();
        long watermark = -1;
        int from = 0;
        do {
            int to = from;
            long bytes = 0;
            while (to < changes.size() && (to == from || bytes + changes.get(to).length <= MAX_BATCH_COMMAND_BYTES)) {
                bytes += changes.get(to).length;
                to++;
            }
            if (inFlight.size() == BATCH_COMMANDS_IN_FLIGHT) {
                watermark = (Long) await(inFlight.removeFirst());
            }
            inFlight.add(submit(new Change.ApplyBatch(epoch, firstSeq + from, changes.subList(from, to))));
            from = to;
        } while (from < changes.size());
        while (!inFlight.isEmpty()) {
            watermark = (Long) await(inFlight.removeFirst());
        }
        return watermark;
    }

    @Override
    public long appliedChanges() {
        barrier();
        return replica.appliedChanges();
    }

    /** What this node's replica has applied: what the feed holds by now, on any node a little later. */
    @Override
    public List<SqliteStore.FeedEntry> changesAfter(long afterSeq, int limit) {
        return replica.changesAfter(afterSeq, limit);
    }

    @Override
    public long lastChange() {
        return replica.lastChange();
    }

    @Override
    public void forgetChangesUpTo(long seq) {
        write(new Change.ForgetChanges(seq));
    }

    @Override
    public void recordBlob(RoomId room, String sha256) {
        write(new Change.RecordBlob(room, sha256, Instant.now()));
    }

    @Override
    public List<SqliteStore.BlobEntry> blobsToSend(int limit) {
        return replica.blobsToSend(limit);
    }

    @Override
    public long blobsWaiting() {
        return replica.blobsWaiting();
    }

    @Override
    public void forgetBlob(long seq) {
        write(new Change.ForgetBlob(seq));
    }

    @Override
    public void onChangeRecorded(Runnable listener) {
        replica.onChangeRecorded(listener);
    }

    // ---- users

    @Override
    public void createUser(User user) {
        write(new Change.CreateUser(user));
    }

    @Override
    public Optional<User> findUser(EndpointId endpoint) {
        barrier();
        return replica.findUser(endpoint);
    }

    @Override
    public List<User> listUsers() {
        barrier();
        return replica.listUsers();
    }

    @Override
    public boolean setUserStatus(EndpointId endpoint, UserStatus status) {
        return (Boolean) write(new Change.SetUserStatus(endpoint, status));
    }

    // ---- rooms

    @Override
    public void createRoom(Room room, Member owner, Optional<byte[]> ownerSealedKey) {
        write(new Change.CreateRoom(room, owner, ownerSealedKey));
    }

    @Override
    public Optional<Room> findRoom(RoomId room) {
        barrier();
        return replica.findRoom(room);
    }

    @Override
    public Optional<Member> findMember(RoomId room, EndpointId endpoint) {
        barrier();
        return replica.findMember(room, endpoint);
    }

    @Override
    public List<Member> listMembers(RoomId room) {
        barrier();
        return replica.listMembers(room);
    }

    @Override
    public void addMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey) {
        write(new Change.AddMember(room, member, epoch, sealedKey));
    }

    @Override
    public boolean removeMember(RoomId room, EndpointId endpoint) {
        return (Boolean) write(new Change.RemoveMember(room, endpoint));
    }

    @Override
    public RekeyOutcome rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys) {
        return (RekeyOutcome) write(new Change.Rekey(room, fromEpoch, remove, sealedKeys));
    }

    @Override
    public Optional<byte[]> findSealedKey(RoomId room, long epoch, EndpointId endpoint) {
        barrier();
        return replica.findSealedKey(room, epoch, endpoint);
    }

    @Override
    public List<Membership> roomsOf(EndpointId endpoint) {
        barrier();
        return replica.roomsOf(endpoint);
    }

    // ---- messages

    @Override
    public CompletableFuture<Long> appendMessage(
            RoomId room,
            String messageId,
            EndpointId sender,
            long epoch,
            byte[] envelope,
            Instant receivedAt,
            Retention retention) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        submit(new Change.AppendMessage(room, messageId, sender, epoch, envelope, receivedAt, retention))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(asKeyroom(e));
                    } else if (v instanceof KeyroomException k) {
                        result.completeExceptionally(new KeyroomException(k.code(), k.getMessage(), k));
                    } else {
                        result.complete((Long) v);
                    }
                });
        return result;
    }

    @Override
    public RetentionSetting retentionSetting(RoomId room) {
        barrier();
        return replica.retentionSetting(room);
    }

    @Override
    public void setRetention(
            RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now) {
        write(new Change.SetRetention(room, setting, effective, secretVersions, now));
    }

    @Override
    public List<StoredMessage> messagesAfter(RoomId room, long afterSeq, int limit) {
        barrier();
        return replica.messagesAfter(room, afterSeq, limit);
    }

    // ---- the vault

    /**
     * The value is sealed here, for the version this node expects to write (the latest it sees plus
     * one), and the command carries that expectation: applied anywhere, it writes that version or
     * nothing. Without {@code ifVersion}, a lost race is retried with the new latest version.
     */
    @Override
    public long putSecret(
            RoomId room,
            String name,
            Optional<Long> ifVersion,
            LongFunction<Keyring.Sealed> seal,
            EndpointId by,
            Instant at,
            int keep) {
        for (int attempt = 0; ; attempt++) {
            long latest;
            if (ifVersion.isPresent()) {
                latest = ifVersion.get();
            } else {
                barrier();
                replica.retentionSetting(room); // NOT_FOUND without the room, before sealing anything
                latest = replica.secret(room, name, Optional.empty())
                        .map(StoredSecret::version)
                        .orElse(0L);
            }
            Keyring.Sealed sealed = seal.apply(latest + 1);
            try {
                return (Long) write(new Change.PutSecret(room, name, latest, sealed, by, at, keep));
            } catch (KeyroomException e) {
                if (ifVersion.isPresent() || e.code() != ErrorCode.CONFLICT || attempt >= 8) {
                    throw e;
                }
            }
        }
    }

    @Override
    public long deleteSecret(RoomId room, String name, EndpointId by, Instant at, int keep) {
        return (Long) write(new Change.DeleteSecret(room, name, by, at, keep));
    }

    @Override
    public Optional<StoredSecret> secret(RoomId room, String name, Optional<Long> version) {
        barrier();
        return replica.secret(room, name, version);
    }

    @Override
    public List<SecretInfo> secrets(RoomId room) {
        barrier();
        return replica.secrets(room);
    }

    @Override
    public List<SealedKeyRow> sealedKeysNotUnder(int keyId, int limit) {
        barrier();
        return replica.sealedKeysNotUnder(keyId, limit);
    }

    @Override
    public boolean resealKey(SealedKeyRow expected, byte[] replacement) {
        return (Boolean) write(new Change.ResealKey(expected, replacement));
    }

    @Override
    public Map<Integer, Long> sealedItemsByKey() {
        barrier();
        return replica.sealedItemsByKey();
    }

    @Override
    public List<SealedRow> sealedNotUnder(int keyId, int limit) {
        barrier();
        return replica.sealedNotUnder(keyId, limit);
    }

    @Override
    public boolean reseal(SealedRow expected, Keyring.Sealed replacement) {
        return (Boolean) write(new Change.Reseal(expected, replacement));
    }

    @Override
    public int recordBreach(EndpointId agent, Instant at, Instant since) {
        return (Integer) write(new Change.RecordBreach(agent, at, since));
    }

    // ---- bans

    @Override
    public void putBan(Ban ban) {
        write(new Change.PutBan(ban));
    }

    @Override
    public List<Ban> activeBans(Instant now) {
        barrier();
        return replica.activeBans(now);
    }

    @Override
    public boolean deleteBan(String subject) {
        return (Boolean) write(new Change.DeleteBan(subject));
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            if (dispatcher.isActive()) {
                dispatcher.unsubscribe(subscription);
            }
            nats.closeDispatcher(dispatcher);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("closing the state subscription failed");
        }
        replica.close();
    }

    // ---- snapshots

    /**
     * Asks for a snapshot: a marker command goes into the stream, and this node, when it applies
     * its own marker, copies its replica as of exactly that sequence and makes the copy current
     * (then the stream is purged up to the snapshot before). Returns the marker's sequence.
     */
    public long snapshot() {
        await(submit(SNAPSHOT, new byte[0]));
        return lastSnapshot;
    }

    /**
     * Copies the replica as of {@code seq} (earlier appends drained), on the applying thread, and
     * publishes it off that thread.
     */
    private void takeSnapshot(long seq) {
        Path copy = replicaDir.resolve("snapshot-" + seq + ".db");
        try {
            Files.deleteIfExists(copy);
            replica.snapshotTo(copy);
        } catch (IOException | RuntimeException e) {
            log.atWarn().setCause(e).log("copying the replica for a snapshot failed; the stream is not purged");
            return;
        }
        Thread.ofVirtual().name("keyroom-snapshot").start(() -> {
            try {
                snapshots.publish(copy, seq, false);
            } catch (Exception e) {
                log.atWarn().setCause(e).log("publishing a snapshot failed; the stream is not purged");
            } finally {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    log.atWarn().setCause(e).log("a snapshot copy was left behind");
                }
            }
        });
    }

    /**
     * Seeds an empty cluster with a single-node database (migration): uploads a consistent copy of
     * {@code source} as the snapshot every replica starts from. Refused (CONFLICT) once the cluster's
     * state stream holds a change, so nothing a node wrote is ever overwritten. Returns false, and
     * uploads nothing, when a seed is already there and no node has written since: an earlier
     * migration that stopped half way; the caller's verification then says whether it is this one.
     */
    public static boolean seed(Connection nats, int replicas, SqliteStore source, Path workDir, Duration timeout)
            throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement(
                JetStreamOptions.builder().requestTimeout(timeout).build());
        ensureStream(jsm, replicas);
        if (jsm.getStreamInfo(STREAM).getStreamState().getLastSequence() != 0) {
            throw KeyroomException.conflict("the cluster already holds state; migrate only into an empty cluster");
        }
        Snapshots snapshots = new Snapshots(nats, replicas, timeout);
        if (snapshots.current().isPresent()) {
            return false;
        }
        Path copy = workDir.resolve("seed-" + Long.toHexString(new SecureRandom().nextLong()) + ".db");
        source.snapshotTo(copy);
        try {
            return snapshots.publish(copy, 0, true);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
