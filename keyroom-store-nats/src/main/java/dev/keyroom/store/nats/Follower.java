package dev.keyroom.store.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.MessageHandler;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the state stream to this node, in order, from a sequence on, and keeps doing so: an
 * ordered consumer with a short heartbeat (a lost consumer, its server dead, is noticed within
 * about a second and a half and recreated on another server), and a watchdog that follows the
 * stream again when the replica stood still behind it for two checks (a consumer can be lost for
 * good when the cluster lost quorum while it was being recreated). Commands delivered twice are
 * skipped by their sequence where they are applied.
 */
final class Follower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Follower.class);

    private final Connection nats;
    private final JetStream js;
    private final MessageHandler apply;
    private final Dispatcher dispatcher;
    private volatile JetStreamSubscription subscription;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyroom-state-watchdog");
        t.setDaemon(true);
        return t;
    });
    /** What the watchdog saw last: the applied sequence, and how many checks in a row it stood still behind. */
    private long watchedApplied = -1;

    private int stalledChecks;

    /**
     * Follows the stream from {@code from}, handing each message to {@code apply} on one dispatcher
     * thread; the watchdog compares {@code applied} with {@code last} and resumes at {@code next}
     * unless {@code stopped}.
     */
    Follower(
            Connection nats,
            JetStream js,
            MessageHandler apply,
            long from,
            LongSupplier applied,
            LongSupplier last,
            LongSupplier next,
            BooleanSupplier stopped)
            throws IOException, JetStreamApiException {
        this.nats = nats;
        this.js = js;
        this.apply = apply;
        this.dispatcher = nats.createDispatcher();
        try {
            this.subscription = follow(from);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            nats.closeDispatcher(dispatcher);
            throw e;
        }
        watchdog.scheduleWithFixedDelay(() -> watch(applied, last, next, stopped), 1, 1, TimeUnit.SECONDS);
    }

    private JetStreamSubscription follow(long from) throws IOException, JetStreamApiException {
        return js.subscribe(
                StateStream.SUBJECT,
                dispatcher,
                apply,
                false,
                PushSubscribeOptions.builder().stream(StateStream.STREAM)
                        .ordered(true)
                        .configuration(ConsumerConfiguration.builder()
                                .deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(from)
                                .idleHeartbeat(Duration.ofMillis(500))
                                .build())
                        .build());
    }

    private void watch(LongSupplier applied, LongSupplier last, LongSupplier next, BooleanSupplier stopped) {
        if (stopped.getAsBoolean()) {
            return;
        }
        try {
            long end = last.getAsLong();
            long now = applied.getAsLong();
            stalledChecks = now < end && now == watchedApplied ? stalledChecks + 1 : 0;
            watchedApplied = now;
            if (stalledChecks >= 2) {
                stalledChecks = 0;
                JetStreamSubscription old = subscription;
                subscription = follow(next.getAsLong());
                log.atWarn()
                        .addKeyValue("applied", now)
                        .addKeyValue("last", end)
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
    }
}
