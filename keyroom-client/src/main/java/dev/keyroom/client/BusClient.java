package dev.keyroom.client;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.bus.Frame;
import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A data-plane connection. Authenticates in-band by signing the server's challenge, follows rooms,
 * publishes with acknowledgement, and checks every delivery as {@link Messages#history} does.
 * When the connection drops for any reason but an eviction or a refusal of this identity, it
 * reconnects with backoff and resubscribes from the last sequence it delivered, so nothing is
 * missed or delivered twice.
 */
public final class BusClient implements AutoCloseable {
    /** Callbacks of one followed room. */
    public interface RoomListener {
        void onDelivery(Delivery d);

        /** The server ended the subscription: membership ended. It is not resumed. */
        default void onEvicted(String reason) {}

        /** The connection was lost; the client reconnects and will resume after {@code lastSeq}. */
        default void onDisconnected(long lastSeq, String why) {}

        /** The connection is back and the room followed again from after {@code afterSeq}. */
        default void onResumed(long afterSeq) {}
    }

    /** Why the connection ended for good, if it did. */
    public record Closed(int code, String reason) {}

    private static final int[] BACKOFF_MILLIS = {200, 500, 1000, 2000, 5000};

    private final SignedTransport transport;
    private final Messages messages;
    private final Identity identity;
    private final Map<RoomId, RoomListener> rooms = new ConcurrentHashMap<>();
    private final Map<RoomId, Long> lastSeq = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Long>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, RoomId> pendingRooms = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyroom-bus-client");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Closed> closedForGood = new CompletableFuture<>();
    private volatile WebSocket ws;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile boolean lost;
    private int attempt;

    BusClient(ClientContext context, Messages messages) {
        this.transport = context.transport();
        this.identity = context.identity();
        this.messages = messages;
        connect();
    }

    private void connect() {
        ready = new CompletableFuture<>();
        transport.openWebSocket(new Listener()).whenComplete((socket, error) -> {
            if (error != null) {
                scheduleReconnect();
            } else {
                ws = socket;
            }
        });
    }

    /** Completes once authenticated; fails if the server refused this identity. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes when the connection ended and will not come back (revoked, refused, or closed here). */
    public CompletableFuture<Closed> closedForGood() {
        return closedForGood;
    }

    /** Follows {@code room}: the stored messages after {@code afterSeq} (0: all the room keeps), then live ones. */
    public void subscribe(RoomId room, long afterSeq, RoomListener listener) {
        rooms.put(room, listener);
        lastSeq.put(room, afterSeq);
        ready.thenRun(() -> send(new Frame.Subscribe(room, afterSeq)));
    }

    public void unsubscribe(RoomId room) {
        rooms.remove(room);
        send(new Frame.Unsubscribe(room));
    }

    /** Publishes over the data plane; completes with the sequence, or fails with the server's error. */
    public CompletableFuture<Long> publish(RoomId room, byte[] plaintext) {
        int id = requestIds.incrementAndGet();
        CompletableFuture<Long> f = new CompletableFuture<>();
        pending.put(id, f);
        pendingRooms.put(id, room);
        byte[] envelope = messages.seal(room, plaintext).encode();
        ready.thenRun(() -> send(new Frame.Publish(id, envelope)));
        return f.orTimeout(30, TimeUnit.SECONDS);
    }

    private void send(Frame f) {
        WebSocket s = ws;
        if (s != null && !closing) {
            synchronized (this) {
                s.sendBinary(Frame.encode(f), true).join();
            }
        }
    }

    /** Tells each room's listener, once per loss, that the connection is gone and where it resumes. */
    private void lost(String why) {
        if (lost || closing || closedForGood.isDone()) {
            return;
        }
        lost = true;
        rooms.forEach((room, l) -> l.onDisconnected(lastSeq.getOrDefault(room, 0L), why));
    }

    private void scheduleReconnect() {
        if (closing || closedForGood.isDone()) {
            return;
        }
        int delay = BACKOFF_MILLIS[Math.min(attempt++, BACKOFF_MILLIS.length - 1)];
        timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void handle(Frame f) {
        switch (f) {
            case Frame.Challenge c -> {
                byte[] sig = identity.sign(Frame.authMessage(c.nonce(), transport.busAuthority()));
                ws.sendBinary(Frame.encode(new Frame.Auth(identity.endpoint(), sig)), true);
            }
            case Frame.AuthOk ok -> {
                attempt = 0;
                boolean resuming = lost;
                lost = false;
                for (Map.Entry<RoomId, RoomListener> r : rooms.entrySet()) {
                    long after = lastSeq.getOrDefault(r.getKey(), 0L);
                    send(new Frame.Subscribe(r.getKey(), after));
                    if (resuming) {
                        r.getValue().onResumed(after);
                    }
                }
                ready.complete(null);
            }
            case Frame.Deliver d -> {
                RoomListener l = rooms.get(d.room());
                if (l == null || d.seq() <= lastSeq.getOrDefault(d.room(), 0L)) {
                    return;
                }
                lastSeq.put(d.room(), d.seq());
                l.onDelivery(messages.judge(d.room(), d.seq(), d.envelope(), null, null));
            }
            case Frame.Ack a -> {
                pendingRooms.remove(a.requestId());
                CompletableFuture<Long> p = pending.remove(a.requestId());
                if (p != null) {
                    p.complete(a.seq());
                }
            }
            case Frame.Error e -> {
                RoomId failed = pendingRooms.remove(e.requestId());
                if (failed != null && "conflict".equals(e.code())) {
                    messages.forgetRoom(failed);
                }
                CompletableFuture<Long> p = pending.remove(e.requestId());
                if (p != null) {
                    p.completeExceptionally(new KeyroomApiException(
                            0, dev.keyroom.core.error.ErrorCode.fromWire(e.code()), e.message(), null));
                }
            }
            case Frame.Evict e -> {
                RoomListener l = rooms.remove(e.room());
                if (l != null) {
                    l.onEvicted(e.reason());
                }
            }
            default -> {}
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] whole = partial.toByteArray();
                partial.reset();
                try {
                    handle(Frame.decode(ByteBuffer.wrap(whole)));
                } catch (Frame.FormatException e) {
                    webSocket.sendClose(1002, "malformed frame");
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
            ws = null;
            boolean refused = code == 4001 || code == 4002 || code == 4003;
            if (closing || refused) {
                ready.completeExceptionally(new IllegalStateException("data plane closed: " + code + " " + reason));
                closedForGood.complete(new Closed(code, reason));
            } else {
                lost("closed: " + code + (reason.isEmpty() ? "" : " " + reason));
                scheduleReconnect();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ws = null;
            lost(
                    error.getMessage() != null
                            ? error.getMessage()
                            : error.getClass().getSimpleName());
            scheduleReconnect();
        }
    }

    /** For tests and tools: drops the connection as a network failure would, to exercise reconnection. */
    public void dropConnectionForTest() {
        WebSocket s = ws;
        if (s != null) {
            s.abort();
            ws = null;
            lost("dropped");
            scheduleReconnect();
        }
    }

    @Override
    public void close() {
        closing = true;
        WebSocket s = ws;
        if (s != null) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        timer.shutdownNow();
        closedForGood.complete(new Closed(WebSocket.NORMAL_CLOSURE, "closed by client"));
    }
}
