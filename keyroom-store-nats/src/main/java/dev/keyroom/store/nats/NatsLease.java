package dev.keyroom.store.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the cluster at a time holds the lease {@code name}: a key in a KV bucket whose TTL
 * is the lease's term (NATS 2.9 has no per-key TTL). The holder renews it by compare-and-set every
 * third of the term; the others try to create it, which succeeds only once the key has expired.
 * A holder that could not renew for two thirds of the term stops saying it holds the lease, before
 * another node can take it, so two nodes never both act on it while their clocks run alike.
 */
public final class NatsLease implements BooleanSupplier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsLease.class);

    private final KeyValue kv;
    private final String key;
    private final byte[] holder;
    private final Duration term;
    private final ScheduledExecutorService timer;
    private volatile long revision = -1;
    private volatile long renewedAt;

    private NatsLease(KeyValue kv, String key, String holder, Duration term) {
        this.kv = kv;
        this.key = key;
        this.holder = holder.getBytes(StandardCharsets.UTF_8);
        this.term = term;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyroom-lease-" + key);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts competing for the lease {@code key} in bucket {@code bucket} (created with {@code
     * replicas} copies and a TTL of {@code term} if missing), as {@code holder}.
     */
    public static NatsLease start(
            Connection nats, String bucket, int replicas, String key, String holder, Duration term, Duration timeout)
            throws IOException, JetStreamApiException {
        NatsLease lease = new NatsLease(NatsBuckets.keyValue(nats, bucket, replicas, term, timeout), key, holder, term);
        long every = Math.max(100, term.toMillis() / 3);
        lease.timer.scheduleWithFixedDelay(lease::tick, 0, every, TimeUnit.MILLISECONDS);
        return lease;
    }

    private void tick() {
        try {
            revision = revision < 0 ? kv.create(key, holder) : kv.update(key, holder, revision);
            renewedAt = System.nanoTime();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10071) { // not "wrong last sequence": the cluster could not answer
                log.atDebug().setCause(e).log("the lease could not be renewed");
            }
            if (revision >= 0) {
                log.atWarn().addKeyValue("lease", key).log("this node lost the lease");
            }
            revision = -1;
        } catch (IOException | RuntimeException e) {
            log.atDebug().setCause(e).log("the lease could not be renewed");
        }
    }

    /** Whether this node holds the lease now. */
    @Override
    public boolean getAsBoolean() {
        return revision >= 0 && System.nanoTime() - renewedAt < term.toNanos() * 2 / 3;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (revision >= 0) {
            try {
                kv.delete(key); // the next node need not wait out the term
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                log.atDebug().setCause(e).log("the lease could not be given up");
            }
        }
    }
}
