package dev.keyroom.store.nats;

import static dev.keyroom.store.nats.StreamErrors.unavailable;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.store.Store;
import dev.keyroom.store.sqlite.SqliteStore;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state machine of ADR 0003: commands published to the stream {@value #STREAM},
 * applied in stream order by every node to a replica of its own, rebuilt from a snapshot and the
 * stream at start. A caller is answered once its command is in the stream and applied here; a read
 * first waits until this node has applied everything the stream held when it began.
 *
 * <p>A replica that cannot apply a command for a reason other than the command itself (its disk,
 * its database) stops: it could otherwise diverge. Everything is then refused until the node is
 * restarted, which rebuilds the replica.
 */
final class StateStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateStream.class);
    static final String STREAM = "KEYROOM_STATE";
    static final String SUBJECT = "keyroom.state";
    /** Commands applied without waiting (message appends) at most, before applying pauses. */
    private static final int MAX_PENDING_APPLIES = 4096;

    private final Connection nats;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final Duration timeout;
    private final SqliteStore replica;
    private final ReplicaEffects effects;
    private final Commands commands;
    private final Semaphore pendingApplies = new Semaphore(MAX_PENDING_APPLIES);
    private final Follower follower;

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

    StateStream(
            Connection nats, int replicas, Path replicaDir, Duration timeout, long snapshotEvery, boolean recordChanges)
            throws Exception {
        this.nats = nats;
        this.timeout = timeout;
        JetStreamOptions options = NatsBuckets.options(timeout);
        this.js = nats.jetStream(options);
        this.jsm = nats.jetStreamManagement(options);
        this.commands = new Commands(js, timeout);
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
        this.effects = new ReplicaEffects(replica);
        this.applied = start;
        this.expected = start + 1;
        try {
            this.follower = new Follower(
                    nats,
                    js,
                    this::apply,
                    start + 1,
                    this::appliedSequence,
                    this::lastSequence,
                    () -> expected,
                    () -> broken != null);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            replica.close();
            throw e;
        }
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

    /** This node's replica: read only after {@link #barrier}, written only by applying commands. */
    Store replica() {
        return replica;
    }

    void listen(ChangeEffects listener) {
        effects.listen(listener);
    }

    // ---- applying

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
            commands.publish(Commands.SNAPSHOT, new byte[0]);
        }
        ByteBuffer data = ByteBuffer.wrap(msg.getData());
        Change<?> change;
        long origin;
        long id;
        try {
            if (data.remaining() < Commands.HEADER) {
                throw new IOException("a command shorter than its header");
            }
            origin = data.getLong();
            id = data.getLong();
            byte kind = data.get();
            if (kind == Commands.SNAPSHOT) {
                lastSnapshot = seq;
                drainAppends();
                if (commands.mine(origin)) {
                    takeSnapshot(seq);
                }
                advance(seq);
                commands.settle(origin, id, null);
                return;
            }
            if (kind != Commands.CHANGE) {
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
        Object outcome = effects.apply(change, commands.mine(origin));
        if (StreamErrors.isReplicaFailure(outcome)) {
            stop((KeyroomException) outcome);
            return;
        }
        advance(seq);
        commands.settle(origin, id, outcome);
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
            f = replica.messages().append(a.message(), a.retention());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        // The replica completes its writes in the order they were made, so sequences advance in order.
        f.whenComplete((value, error) -> {
            pendingApplies.release();
            Object outcome = error == null ? value : StreamErrors.unwrap(error);
            if (StreamErrors.isReplicaFailure(outcome)) {
                stop((KeyroomException) outcome);
                return;
            }
            advance(seq);
            commands.settle(origin, id, outcome);
        });
    }

    private void stop(KeyroomException cause) {
        if (broken == null) {
            broken = new KeyroomException(
                    ErrorCode.INTERNAL, "this node's replica of the cluster state stopped; restart the node", cause);
            log.atError().setCause(cause).log("the replica stopped applying the state stream");
            commands.fail(broken);
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

    // ---- submitting, reading

    /** See {@link Commands#submit}. */
    <R> CompletableFuture<R> submit(Change<R> change) {
        return commands.submit(change);
    }

    /** See {@link Commands#write}. */
    <R> R write(Change<R> change) {
        return commands.write(change);
    }

    long lastSequence() {
        try {
            return jsm.getStreamInfo(STREAM).getStreamState().getLastSequence();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw unavailable("the cluster cannot confirm its state", e);
        }
    }

    /** The stream sequence of the last command this node's replica applied. */
    long appliedSequence() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until this node has applied every change the stream held when the read began. */
    void barrier() {
        awaitApplied(lastSequence(), timeout);
    }

    void awaitApplied(long seq, Duration within) {
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

    // ---- snapshots

    /**
     * Asks for a snapshot: a marker command goes into the stream, and this node, when it applies
     * its own marker, copies its replica as of exactly that sequence and makes the copy current
     * (then the stream is purged up to the snapshot before). Returns the marker's sequence.
     */
    long snapshot() {
        Commands.await(commands.publish(Commands.SNAPSHOT, new byte[0]));
        return lastSnapshot;
    }

    /**
     * Copies the replica as of {@code seq} (earlier appends drained), on the applying thread, and
     * publishes it off that thread.
     */
    private void takeSnapshot(long seq) {
        snapshots.publishCopy(replica, replicaDir, seq);
    }

    @Override
    public void close() {
        follower.close();
        replica.close();
    }
}
