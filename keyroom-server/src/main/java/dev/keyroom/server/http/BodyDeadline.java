package dev.keyroom.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The end of the time a request body may take to arrive (DOS-4): however fast it trickles in,
 * above the rate floor or not, a body not read whole by then fails, its reader wakes at once, and
 * the request ends with 408, releasing what it held. Jetty's idle timeout and rate floor bound a
 * stalled or slow body; this bounds a body that is merely long.
 */
final class BodyDeadline extends Request.Wrapper implements AutoCloseable {
    private final Scheduler.Task timer;
    private final AtomicReference<Runnable> waiting = new AtomicReference<>();
    private volatile Content.Chunk expired;

    private BodyDeadline(Request request, Duration within) {
        super(request);
        this.timer =
                request.getComponents().getScheduler().schedule(this::expire, within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code request} as a source whose reads fail once {@code within} has passed from now. */
    static BodyDeadline start(Request request, Duration within) {
        return new BodyDeadline(request, within);
    }

    /** Whether the body's time ran out. */
    boolean expired() {
        return expired != null;
    }

    private void expire() {
        expired = Content.Chunk.from(new TimeoutException("the request body took too long"), true);
        Runnable w = waiting.getAndSet(null);
        if (w != null) {
            w.run();
        }
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk e = expired;
        return e != null ? e : super.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
        if (expired != null) {
            demandCallback.run();
            return;
        }
        // Woken by whichever comes first, data or the deadline; never twice.
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                demandCallback.run();
            }
        };
        waiting.set(once);
        super.demand(() -> {
            waiting.compareAndSet(once, null);
            once.run();
        });
        if (expired != null) {
            Runnable w = waiting.getAndSet(null);
            if (w != null) {
                w.run();
            }
        }
    }

    @Override
    public void close() {
        timer.cancel();
    }
}
