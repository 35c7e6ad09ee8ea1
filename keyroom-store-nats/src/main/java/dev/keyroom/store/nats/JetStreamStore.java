package dev.keyroom.store.nats;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.store.Store;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The cluster's {@link Store}: a replicated state machine on one JetStream stream.
 *
 * <p>Every change is a command published to the stream {@value #STREAM} ({@link StateStream}), replicated by the NATS
 * cluster's Raft group before it is acknowledged. Every node applies every command, in stream
 * order, to a replica of its own (an embedded store rebuilt from the stream at start), and the
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
 * <p>Applied commands that revoke identities or remove members are reported to {@link dev.keyroom.core.site.ChangeEffects}
 * listeners on every node, which is how a revocation on one node closes sessions on the others.
 *
 * <p>A replica that cannot apply a command for a reason other than the command itself (its disk,
 * its database) stops: it could otherwise diverge. The store then refuses everything until the
 * node is restarted, which rebuilds the replica. Each port is a class of its own ({@code
 * ReplicatedUsers}, ...): writes are commands, reads wait for the replica to catch up.
 */
public final class JetStreamStore implements Store {
    public static final String STREAM = StateStream.STREAM;
    public static final String SUBJECT = StateStream.SUBJECT;

    /** Commands between two snapshots unless told otherwise. */
    public static final long DEFAULT_SNAPSHOT_EVERY = 100_000;

    private final StateStream stream;
    private final Ports ports;

    private JetStreamStore(StateStream stream) {
        this.stream = stream;
        ReplicatedBans bans = new ReplicatedBans(stream);
        this.ports = new Ports(
                new ReplicatedUsers(stream),
                new ReplicatedRooms(stream),
                new ReplicatedMessages(stream),
                new ReplicatedSecrets(stream),
                new ReplicatedSealedItems(stream),
                bans,
                bans,
                new ReplicatedGrants(stream),
                new ReplicatedSiteLog(stream),
                () -> {
                    // Read from the caught-up replica, as every read of the cluster's state is.
                    stream.barrier();
                    return stream.replica().census().summaries();
                });
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
        StateStream stream;
        try {
            stream = new StateStream(nats, replicas, replicaDir, timeout, snapshotEvery, recordChanges);
        } catch (KeyroomException e) {
            throw e;
        } catch (Exception e) {
            throw StreamErrors.unavailable("cannot open the cluster's state stream", e);
        }
        try {
            stream.awaitApplied(stream.lastSequence(), catchUp);
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        return new JetStreamStore(stream);
    }

    @Override
    public Ports ports() {
        return ports;
    }

    /** The stream sequence of the last command this node's replica applied. */
    public long appliedSequence() {
        return stream.appliedSequence();
    }

    /** Writes a consistent copy of this node's replica, after catching up, to {@code target}. */
    @Override
    public void copyTo(Path target) {
        stream.barrier();
        stream.replica().copyTo(target);
    }

    /** Counts and a digest of every record in this node's replica, after catching up. */
    @Override
    public Digest digest() {
        stream.barrier();
        return stream.replica().digest();
    }

    /**
     * Asks for a snapshot: a marker command goes into the stream, and this node, when it applies
     * its own marker, copies its replica as of exactly that sequence and makes the copy current
     * (then the stream is purged up to the snapshot before). Returns the marker's sequence.
     */
    public long snapshot() {
        return stream.snapshot();
    }

    @Override
    public void close() {
        stream.close();
    }

    /**
     * Seeds an empty cluster with a single-node database (migration): uploads a consistent copy of
     * {@code source} as the snapshot every replica starts from. Refused (CONFLICT) once the cluster's
     * state stream holds a change, so nothing a node wrote is ever overwritten. Returns false, and
     * uploads nothing, when a seed is already there and no node has written since: an earlier
     * migration that stopped half way; the caller's verification then says whether it is this one.
     */
    public static boolean seed(Connection nats, int replicas, Store source, Path workDir, Duration timeout)
            throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement(NatsBuckets.options(timeout));
        StateStream.ensureStream(jsm, replicas);
        if (jsm.getStreamInfo(STREAM).getStreamState().getLastSequence() != 0) {
            throw KeyroomException.conflict("the cluster already holds state; migrate only into an empty cluster");
        }
        Snapshots snapshots = new Snapshots(nats, replicas, timeout);
        if (snapshots.current().isPresent()) {
            return false;
        }
        Path copy = workDir.resolve("seed-" + Long.toHexString(new SecureRandom().nextLong()) + ".db");
        source.copyTo(copy);
        try {
            return snapshots.publish(copy, 0, true);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
