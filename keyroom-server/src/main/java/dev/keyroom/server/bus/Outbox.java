package dev.keyroom.server.bus;

import dev.keyroom.protocol.bus.Frame;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A session's outbound frames, counted until Jetty has written them: at most {@code max} at once, so
 * a client that does not read cannot make the node hold its messages (DOS-6). Frames are handed to
 * Jetty off the caller's thread (the store's writer fans out), all but the last of a run batched so
 * that many frames leave in one write.
 */
final class Outbox {
    private final int max;
    private final Executor work;
    private final Queue<ByteBuffer> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile CoreSession core;
    private volatile boolean closed;

    Outbox(int max, Executor work) {
        this.max = max;
        this.work = work;
    }

    void open(Session session) {
        core = ((WebSocketSession) session).getCoreSession();
    }

    /** Queues {@code f}; false when {@code max} frames are queued already (the client is not reading). */
    boolean offer(Frame f) {
        if (closed || core == null) {
            return true;
        }
        if (queued.incrementAndGet() > max) {
            queued.decrementAndGet();
            return false;
        }
        frames.add(Frame.encode(f));
        if (draining.compareAndSet(false, true)) {
            work.execute(this::drain);
        }
        return true;
    }

    /** Drops what is queued and anything offered from now on. */
    void close() {
        closed = true;
    }

    private void drain() {
        Callback done = Callback.from(queued::decrementAndGet, x -> queued.decrementAndGet());
        do {
            ByteBuffer b;
            while ((b = frames.poll()) != null) {
                if (closed) {
                    queued.decrementAndGet();
                    continue;
                }
                core.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.BINARY, b), done, !frames.isEmpty());
            }
            draining.set(false);
        } while (!frames.isEmpty() && draining.compareAndSet(false, true));
    }
}
