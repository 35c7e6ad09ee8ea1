package dev.keyroom.server.bus;

import dev.keyroom.core.rooms.MessageService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A session's publishes in flight: each is checked on a virtual thread while the next frames are
 * read, appends are queued to the store in the order the frames arrived (so one connection's
 * messages keep their order), and each completes once durable. At most {@link #MAX_IN_FLIGHT} are
 * outstanding; beyond that the connection is not read until they catch up, which pushes back on the
 * client through TCP.
 */
final class PublishLane {
    /** Unacknowledged publishes per connection before reading pauses. */
    static final int MAX_IN_FLIGHT = 1024;

    private final MessageService messages;
    private final Executor work;
    /** Asks the connection for the next frame. */
    private final Runnable demand;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    /** Completes when the previous publish has been queued to the store; read-thread only. */
    private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);

    PublishLane(MessageService messages, Executor work, Runnable demand) {
        this.messages = messages;
        this.work = work;
        this.demand = demand;
    }

    /**
     * Runs {@code check} on a virtual thread, appends what it returns after the previous publish,
     * and tells {@code done} the sequence or the failure. Called on the read thread only.
     */
    void submit(Supplier<MessageService.Checked> check, BiConsumer<Long, Throwable> done) {
        inFlight.incrementAndGet();
        CompletableFuture<MessageService.Checked> checked = CompletableFuture.supplyAsync(check, work);
        // The lane only orders the appends: checks run in parallel, appends are queued in frame order.
        CompletableFuture<CompletableFuture<Long>> queued =
                lane.thenCombine(checked, (previous, c) -> messages.append(c));
        lane = queued.handle((x, e) -> null);
        queued.thenCompose(f -> f).whenComplete((seq, error) -> {
            try {
                done.accept(seq, error);
            } finally {
                if (inFlight.decrementAndGet() < MAX_IN_FLIGHT && paused.compareAndSet(true, false)) {
                    demand.run();
                }
            }
        });
    }

    /** Reads the next frame, unless too many publishes are outstanding; then the last to finish resumes. */
    void demandUnlessBusy() {
        if (inFlight.get() < MAX_IN_FLIGHT) {
            demand.run();
            return;
        }
        paused.set(true);
        if (inFlight.get() < MAX_IN_FLIGHT && paused.compareAndSet(true, false)) {
            demand.run();
        }
    }
}
