package dev.keyroom.server.bus;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Bus;
import dev.keyroom.core.port.Store;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.protocol.bus.Frame;
import dev.keyroom.server.auth.UserDirectory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data-plane connection. The first frame is the server's challenge; nothing but a valid
 * {@link Frame.Auth} is accepted until the client has signed it (AUTH-10: no credential in the
 * URL). Every subscribe and publish checks the caller's current status and membership. Outbound
 * frames go through a bounded count: a client that does not read is disconnected rather than let
 * memory grow (DOS-6).
 *
 * <p>Publishes are pipelined: each envelope's signature is checked on a virtual thread while the
 * next frames are read, appends are queued to the store in the order the frames arrived (so one
 * connection's messages keep their order), and each is acknowledged once durable. At most {@link
 * #MAX_PUBLISHES_IN_FLIGHT} are outstanding per connection; beyond that the connection is not read
 * until acknowledgements catch up, which pushes back on the client through TCP.
 */
public final class BusSession implements Session.Listener {
    private static final Logger log = LoggerFactory.getLogger(BusSession.class);

    /** Close codes (RFC 6455 private range) that say why, besides 1002 for malformed frames. */
    public static final int CLOSE_SLOW_CONSUMER = 4000;

    public static final int CLOSE_REVOKED = 4001;
    public static final int CLOSE_AUTH = 4002;
    public static final int CLOSE_LIMIT = 4003;

    /** Unacknowledged publishes per connection before reading pauses. */
    static final int MAX_PUBLISHES_IN_FLIGHT = 1024;

    /** The settings every session shares. */
    public record Settings(
            int maxSubscriptions,
            int maxQueuedFrames,
            Duration authTimeout,
            Duration pingInterval,
            Duration idleTimeout) {}

    /** Nothing received, not even a pong, for the idle timeout. */
    public static final int CLOSE_IDLE = 4004;

    private final BusHub hub;
    private final java.util.function.Consumer<dev.keyroom.core.identity.EndpointId> admitIdentity;
    private final UserDirectory users;
    private final RoomService rooms;
    private final MessageService messages;
    private final Store store;
    private final Bus bus;
    private final Scheduler scheduler;
    private final Settings settings;
    private final String authority;
    private final dev.keyroom.core.port.AuditLog audit;
    private final dev.keyroom.server.replication.SiteRole site;
    /** Names this session in audit entries: the prefix of each publish's request id. */
    private final String sessionId;

    private final byte[] challenge = new byte[32];
    private final Map<RoomId, RoomFeed> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger publishing = new AtomicInteger();
    private final java.util.Queue<ByteBuffer> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
    /** Completes when the previous publish has been queued to the store; read-thread only. */
    private java.util.concurrent.CompletableFuture<Void> lane =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    private volatile Session session;
    private volatile User user;
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();

    /** A followed room: the last sequence sent, and the bus subscription feeding it. */
    private static final class RoomFeed {
        long lastSeq;
        Bus.Subscription subscription;
    }

    public BusSession(
            BusHub hub,
            java.util.function.Consumer<dev.keyroom.core.identity.EndpointId> admitIdentity,
            UserDirectory users,
            RoomService rooms,
            MessageService messages,
            Store store,
            Bus bus,
            Scheduler scheduler,
            Settings settings,
            String authority,
            dev.keyroom.core.port.AuditLog audit,
            dev.keyroom.server.replication.SiteRole site,
            SecureRandom random) {
        this.site = site;
        this.hub = hub;
        this.admitIdentity = admitIdentity;
        this.users = users;
        this.rooms = rooms;
        this.messages = messages;
        this.store = store;
        this.bus = bus;
        this.scheduler = scheduler;
        this.settings = settings;
        this.authority = authority;
        this.audit = audit;
        byte[] id = new byte[6];
        random.nextBytes(id);
        this.sessionId = "bus-" + dev.keyroom.core.crypto.Base64Url.encode(id);
        random.nextBytes(challenge);
    }

    dev.keyroom.core.identity.EndpointId endpoint() {
        User u = user;
        return u == null ? null : u.endpoint();
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        send(new Frame.Challenge(challenge.clone()));
        s.demand();
        keepAlive();
        scheduler.schedule(
                () -> {
                    if (user == null && !closed) {
                        close(CLOSE_AUTH, "authentication timeout");
                    }
                },
                settings.authTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        lastHeardNanos = System.nanoTime();
        try {
            handle(Frame.decode(payload));
        } catch (Frame.FormatException e) {
            close(1002, "malformed frame");
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("data-plane frame failed");
            close(1011, "internal error");
        } finally {
            callback.succeed();
            demandUnlessBusy();
        }
    }

    /**
     * Pings every {@code pingInterval}; a peer that sent nothing, not even a pong, for the idle
     * timeout is closed (DOS-6). Server pings count as traffic for Jetty's own idle timeout, so the
     * silence is measured here, on what the peer sent.
     */
    private void keepAlive() {
        scheduler.schedule(
                () -> {
                    Session s = session;
                    if (closed || s == null || !s.isOpen()) {
                        return;
                    }
                    if (System.nanoTime() - lastHeardNanos
                            > settings.idleTimeout().toNanos()) {
                        close(
                                CLOSE_IDLE,
                                "idle: nothing received for "
                                        + settings.idleTimeout().toSeconds() + " s");
                        return;
                    }
                    s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
                    keepAlive();
                },
                settings.pingInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Reads the next frame, unless too many publishes are outstanding; then the last ack resumes. */
    private void demandUnlessBusy() {
        Session s = session;
        if (s == null || closed) {
            return;
        }
        if (publishing.get() < MAX_PUBLISHES_IN_FLIGHT) {
            s.demand();
            return;
        }
        paused.set(true);
        if (publishing.get() < MAX_PUBLISHES_IN_FLIGHT && paused.compareAndSet(true, false)) {
            s.demand();
        }
    }

    private void publishDone() {
        if (publishing.decrementAndGet() < MAX_PUBLISHES_IN_FLIGHT && paused.compareAndSet(true, false)) {
            Session s = session;
            if (s != null && !closed) {
                s.demand();
            }
        }
    }

    @Override
    public void onWebSocketText(String message) {
        close(1003, "binary frames only");
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        lastHeardNanos = System.nanoTime();
        Session s = session;
        if (s != null) {
            s.sendPong(payload, Callback.NOOP);
            demandUnlessBusy();
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastHeardNanos = System.nanoTime();
        demandUnlessBusy();
    }

    private void handle(Frame f) {
        if (user == null) {
            if (f instanceof Frame.Auth a) {
                authenticate(a);
            } else {
                close(CLOSE_AUTH, "authenticate first");
            }
            return;
        }
        User current = users.find(user.endpoint()).filter(User::isActive).orElse(null);
        if (current == null) {
            close(CLOSE_REVOKED, "identity no longer active");
            return;
        }
        switch (f) {
            case Frame.Subscribe s -> subscribe(current, s);
            case Frame.Unsubscribe u -> stop(u.room());
            case Frame.Publish p -> publish(current, p);
            default -> close(1002, "unexpected frame");
        }
    }

    private void authenticate(Frame.Auth a) {
        User u = users.find(a.endpoint())
                .filter(x -> x.status() == UserStatus.ACTIVE)
                .orElse(null);
        if (u == null || !Ed25519.verify(u.signPub(), Frame.authMessage(challenge, authority), a.signature())) {
            try {
                audit.record(new dev.keyroom.core.audit.AuditEvent(
                        "-", "AUTH", "/v1/bus", "401 unauthorized", sessionId, remote()));
            } catch (KeyroomException e) {
                // refused either way
            }
            close(CLOSE_AUTH, "unknown key or bad signature");
            return;
        }
        user = u;
        if (!hub.register(this)) {
            user = null;
            close(CLOSE_LIMIT, "too many data-plane sessions for this identity");
            return;
        }
        send(new Frame.AuthOk());
    }

    private void subscribe(User caller, Frame.Subscribe s) {
        if (!feeds.containsKey(s.room()) && feeds.size() >= settings.maxSubscriptions()) {
            send(new Frame.Error(0, "forbidden", "too many subscriptions on this connection"));
            return;
        }
        try {
            rooms.requireMember(caller, s.room());
        } catch (KeyroomException e) {
            send(new Frame.Error(0, e.code().wireName(), e.getMessage()));
            return;
        }
        stop(s.room());
        RoomFeed feed = new RoomFeed();
        synchronized (feed) {
            feed.lastSeq = s.afterSeq();
            feeds.put(s.room(), feed);
            feed.subscription =
                    bus.subscribe(MessageService.subject(s.room()), payload -> live(s.room(), feed, payload));
            // Catch up while holding the feed: live messages wait, so none is skipped or sent twice.
            catchUp(s.room(), feed, Long.MAX_VALUE);
        }
    }

    private void live(RoomId room, RoomFeed feed, byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        long seq = b.getLong();
        byte[] envelope = new byte[b.remaining()];
        b.get(envelope);
        synchronized (feed) {
            if (feeds.get(room) != feed || seq <= feed.lastSeq) {
                return;
            }
            if (seq > feed.lastSeq + 1) {
                // The bus delivers at most once, in order per publishing node only (a cluster has
                // several): what is missing before this message comes from the store.
                try {
                    catchUp(room, feed, seq);
                } catch (KeyroomException e) {
                    log.atWarn()
                            .addKeyValue("room", room.value())
                            .setCause(e)
                            .log("could not fill a gap in a live feed from the store");
                }
            }
            feed.lastSeq = seq;
            send(new Frame.Deliver(room, seq, envelope));
        }
    }

    /** Sends the stored messages after the feed's last one and before {@code before}; holds the feed. */
    private void catchUp(RoomId room, RoomFeed feed, long before) {
        while (!closed) {
            List<StoredMessage> page = store.messages().after(room, feed.lastSeq, 500);
            for (StoredMessage m : page) {
                if (m.seq() >= before) {
                    return;
                }
                feed.lastSeq = m.seq();
                send(new Frame.Deliver(room, m.seq(), m.envelope()));
            }
            if (page.isEmpty()) {
                return;
            }
        }
    }

    private void stop(RoomId room) {
        RoomFeed feed = feeds.remove(room);
        if (feed != null && feed.subscription != null) {
            feed.subscription.close();
        }
    }

    private void publish(User caller, Frame.Publish p) {
        Optional<String> readOnly = site.refusesWrites();
        if (readOnly.isPresent()) {
            // REPL-4, REPL-7: a backup (or a fenced former primary) takes no writes; the refusal is audited.
            try {
                audit.record(new dev.keyroom.core.audit.AuditEvent(
                        caller.endpoint().value(),
                        "PUBLISH",
                        "/v1/bus",
                        "503 " + ErrorCode.READ_ONLY_REPLICA.wireName(),
                        sessionId + "-" + p.requestId(),
                        remote()));
            } catch (KeyroomException e) {
                // refused either way
            }
            send(new Frame.Error(
                    p.requestId(),
                    ErrorCode.READ_ONLY_REPLICA.wireName(),
                    readOnly.get() + site.primary().map(u -> " at " + u).orElse("")));
            return;
        }
        publishing.incrementAndGet();
        java.util.concurrent.CompletableFuture<MessageService.Checked> checked =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            admitIdentity.accept(caller.endpoint());
                            MessageService.Published m =
                                    dev.keyroom.server.http.MessageRoutes.signedBy(caller, p.envelope());
                            MessageService.Checked checkedPublish = messages.check(caller, m.room(), m);
                            // Audited before it is appended; without the log it fails closed (LOG-4).
                            audit.record(new dev.keyroom.core.audit.AuditEvent(
                                    caller.endpoint().value(),
                                    "PUBLISH",
                                    "/v1/rooms/" + m.room().value() + "/messages",
                                    "started",
                                    sessionId + "-" + p.requestId(),
                                    remote()));
                            return checkedPublish;
                        },
                        hub.work());
        // The lane only orders the appends: checks run in parallel, appends are queued in frame order.
        java.util.concurrent.CompletableFuture<java.util.concurrent.CompletableFuture<Long>> queuedAppend =
                lane.thenCombine(checked, (previous, c) -> messages.append(c));
        lane = queuedAppend.handle((x, e) -> null);
        queuedAppend.thenCompose(f -> f).whenComplete((seq, error) -> {
            if (error == null) {
                send(new Frame.Ack(p.requestId(), seq));
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                if (cause instanceof KeyroomException x) {
                    send(new Frame.Error(p.requestId(), x.code().wireName(), x.getMessage()));
                } else {
                    log.atWarn().setCause(cause).log("a data-plane publish failed");
                    send(new Frame.Error(p.requestId(), "internal", "internal error"));
                }
            }
            publishDone();
        });
    }

    private String remote() {
        Session s = session;
        if (s != null && s.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a) {
            return a.getAddress().getHostAddress();
        }
        return "-";
    }

    /** Ends this session's subscription to {@code room}, telling the client why (AZ-7). */
    void evict(RoomId room, String reason) {
        if (feeds.containsKey(room)) {
            stop(room);
            send(new Frame.Evict(room, reason));
        }
    }

    /** Closes the session because its identity may no longer act (AUTH-8). */
    void closeFor(String reason) {
        close(CLOSE_REVOKED, reason);
    }

    private void send(Frame f) {
        Session s = session;
        if (closed || s == null) {
            return;
        }
        if (queued.incrementAndGet() > settings.maxQueuedFrames()) {
            queued.decrementAndGet();
            close(CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
            return;
        }
        outbox.add(Frame.encode(f));
        if (draining.compareAndSet(false, true)) {
            hub.work().execute(this::drain);
        }
    }

    /**
     * Hands queued frames to Jetty off the caller's thread (the store's writer fans out), batching
     * all but the last of a run so that many frames leave in one write.
     */
    private void drain() {
        org.eclipse.jetty.websocket.core.CoreSession core =
                ((org.eclipse.jetty.websocket.common.WebSocketSession) session).getCoreSession();
        org.eclipse.jetty.util.Callback done =
                org.eclipse.jetty.util.Callback.from(queued::decrementAndGet, x -> queued.decrementAndGet());
        do {
            ByteBuffer b;
            while ((b = outbox.poll()) != null) {
                if (closed) {
                    queued.decrementAndGet();
                    continue;
                }
                core.sendFrame(
                        new org.eclipse.jetty.websocket.core.Frame(org.eclipse.jetty.websocket.core.OpCode.BINARY, b),
                        done,
                        !outbox.isEmpty());
            }
            draining.set(false);
        } while (!outbox.isEmpty() && draining.compareAndSet(false, true));
    }

    private void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        Session s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
        release();
    }

    private void release() {
        for (RoomId r : List.copyOf(feeds.keySet())) {
            stop(r);
        }
        hub.unregister(this);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed = true;
        release();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed = true;
        release();
    }
}
