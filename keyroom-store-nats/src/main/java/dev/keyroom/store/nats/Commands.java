package dev.keyroom.store.nats;

import static dev.keyroom.store.nats.StreamErrors.unavailable;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.store.Change;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The commands this node publishes to the state stream, and the callers waiting for their outcome.
 * A command is a header (this node's random id, its counter, the kind) and, for a change, the
 * change's bytes; the stream drops a command published twice within its duplicate window. A caller
 * is answered when this node applies its command ({@link #settle}), or fails after the timeout.
 */
final class Commands {
    static final int HEADER = 17;
    static final byte CHANGE = 0, SNAPSHOT = 1;

    private final JetStream js;
    private final Duration timeout;
    private final long node = new SecureRandom().nextLong();
    private final AtomicLong counter = new AtomicLong();
    private final Map<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();
    private volatile KeyroomException broken;

    Commands(JetStream js, Duration timeout) {
        this.js = js;
        this.timeout = timeout;
    }

    /** Whether a command came from this node. */
    boolean mine(long origin) {
        return origin == node;
    }

    /**
     * Publishes {@code change}; completes with its outcome once this node applied it, or with the
     * command's refusal, or with OVERLOADED when the cluster did not take it in time.
     */
    <R> CompletableFuture<R> submit(Change<R> change) {
        CompletableFuture<R> result = new CompletableFuture<>();
        publish(CHANGE, change.encode()).whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(StreamErrors.asKeyroom(e));
            } else if (v instanceof KeyroomException k) {
                result.completeExceptionally(new KeyroomException(k.code(), k.getMessage(), k));
            } else {
                result.complete(outcomeOf(change, v));
            }
        });
        return result;
    }

    /** What applying {@code change} returned: of the type its kind declares (the replica applied it). */
    @SuppressWarnings("unchecked")
    private static <R> R outcomeOf(Change<R> change, Object applied) {
        return (R) applied;
    }

    /** Submits {@code change} and waits for its outcome. */
    <R> R write(Change<R> change) {
        return await(submit(change));
    }

    /** The outcome of a submission; its failure rethrown with the caller's stack. */
    static <R> R await(CompletableFuture<R> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the cluster", e);
        } catch (ExecutionException e) {
            KeyroomException k = StreamErrors.asKeyroom(e.getCause());
            throw new KeyroomException(k.code(), k.getMessage(), k);
        }
    }

    /** Publishes a command of {@code kind}; completes with what applying it here gave. */
    CompletableFuture<Object> publish(byte kind, byte[] body) {
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
                            StateStream.SUBJECT,
                            null,
                            command,
                            PublishOptions.builder()
                                    .expectedStream(StateStream.STREAM)
                                    .messageId(Long.toHexString(node) + "-" + id)
                                    .build())
                    .whenComplete((ack, error) -> {
                        if (error != null) {
                            waiting.remove(id);
                            outcome.completeExceptionally(
                                    unavailable("the cluster did not store the change", StreamErrors.unwrap(error)));
                        }
                    });
        } catch (RuntimeException e) {
            waiting.remove(id);
            outcome.completeExceptionally(unavailable("the cluster did not take the change", e));
        }
        return outcome.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> waiting.remove(id));
    }

    /** This node applied command {@code id} of {@code origin}: its caller, if it was ours, has its outcome. */
    void settle(long origin, long id, Object outcome) {
        if (origin != node) {
            return;
        }
        CompletableFuture<Object> f = waiting.remove(id);
        if (f != null) {
            f.complete(outcome);
        }
    }

    /** The replica stopped: every waiting caller and every later command fails with {@code cause}. */
    void fail(KeyroomException cause) {
        broken = cause;
        waiting.values().forEach(f -> f.completeExceptionally(cause));
    }
}
