package dev.keyroom.server.bus;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.bus.Frame;
import dev.keyroom.protocol.envelope.PublishedEnvelope;
import dev.keyroom.server.config.BusSettings;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
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
 * PublishLane#MAX_IN_FLIGHT} are outstanding per connection; beyond that the connection is not read
 * until acknowledgements catch up, which pushes back on the client through TCP.
 */
public final class BusSession implements Session.Listener {
    private static final Logger log = LoggerFactory.getLogger(BusSession.class);

    /** Close codes (RFC 6455 private range) that say why, besides 1002 for malformed frames. */
    public static final int CLOSE_SLOW_CONSUMER = 4000;

    public static final int CLOSE_REVOKED = 4001;
    public static final int CLOSE_AUTH = 4002;
    public static final int CLOSE_LIMIT = 4003;
    /** Nothing received, not even a pong, for the idle timeout. */
    public static final int CLOSE_IDLE = 4004;

    private final DataPlane plane;
    private final BusSettings settings;
    private final Scheduler scheduler;
    private final String authority;
    private final InetAddress remote;
    /** Names this session in audit entries: the prefix of each publish's request id. */
    private final String sessionId;

    private final byte[] challenge = new byte[32];
    private final RoomFeeds feeds;
    private final Outbox outbox;
    private final PublishLane publishes;

    private volatile Session session;
    private volatile User user;
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();

    BusSession(DataPlane plane, Scheduler scheduler, String authority, InetAddress remote) {
        this.plane = plane;
        this.settings = plane.settings();
        this.scheduler = scheduler;
        this.authority = authority;
        this.remote = remote;
        this.outbox = new Outbox(settings.maxQueuedFrames(), plane.hub().work());
        this.feeds = new RoomFeeds(plane.messages(), this::send, () -> closed);
        this.publishes = new PublishLane(plane.messages(), plane.hub().work(), this::demand);
        byte[] id = new byte[6];
        plane.random().nextBytes(id);
        this.sessionId = "bus-" + Base64Url.encode(id);
        plane.random().nextBytes(challenge);
    }

    EndpointId endpoint() {
        User u = user;
        return u == null ? null : u.endpoint();
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        outbox.open(s);
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
            publishes.demandUnlessBusy();
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

    /** Asks for the next frame, unless the session is closed. */
    private void demand() {
        Session s = session;
        if (s != null && !closed) {
            s.demand();
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
            publishes.demandUnlessBusy();
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastHeardNanos = System.nanoTime();
        publishes.demandUnlessBusy();
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
        User current =
                plane.users().find(user.endpoint()).filter(User::isActive).orElse(null);
        if (current == null) {
            close(CLOSE_REVOKED, "identity no longer active");
            return;
        }
        switch (f) {
            case Frame.Subscribe s -> subscribe(current, s);
            case Frame.Unsubscribe u -> feeds.stop(u.room());
            case Frame.Publish p -> publish(current, p);
            default -> close(1002, "unexpected frame");
        }
    }

    private void authenticate(Frame.Auth a) {
        User u = plane.users().find(a.endpoint()).filter(User::isActive).orElse(null);
        if (u == null || !Ed25519.verify(u.signPub(), Frame.authMessage(challenge, authority), a.signature())) {
            plane.audit().recordRefusal(AuditEvent.of(null, "AUTH", "/v1/bus", "401 unauthorized", sessionId, remote));
            log.atWarn()
                    .addKeyValue("session", shortId())
                    .addKeyValue("key_id", a.endpoint().value())
                    .addKeyValue("reason", u == null ? "unknown or inactive key" : "bad signature")
                    .addKeyValue("remote", remote.getHostAddress())
                    .log("data-plane authentication failed");
            close(CLOSE_AUTH, "unknown key or bad signature");
            return;
        }
        user = u;
        if (!plane.hub().register(this)) {
            user = null;
            close(CLOSE_LIMIT, "too many data-plane sessions for this identity");
            return;
        }
        send(new Frame.AuthOk());
        log.atInfo()
                .addKeyValue("session", shortId())
                .addKeyValue("key_id", u.endpoint().value())
                .addKeyValue("remote", remote.getHostAddress())
                .log("data-plane session opened");
    }

    /** The session id as logs show it: 8 characters (LOG-3). */
    private String shortId() {
        return sessionId.substring(4, 12);
    }

    private void subscribe(User caller, Frame.Subscribe s) {
        if (!feeds.follows(s.room()) && feeds.size() >= settings.maxSubscriptions()) {
            send(new Frame.Error(0, "forbidden", "too many subscriptions on this connection"));
            return;
        }
        try {
            plane.rooms().requireMember(caller, s.room());
        } catch (KeyroomException e) {
            send(new Frame.Error(0, e.code().wireName(), e.getMessage()));
            return;
        }
        feeds.follow(s.room(), s.afterSeq());
    }

    private void publish(User caller, Frame.Publish p) {
        String requestId = sessionId + "-" + p.requestId();
        Optional<String> readOnly = plane.site().refusesWrites();
        if (readOnly.isPresent()) {
            // REPL-4, REPL-7: a backup (or a fenced former primary) takes no writes; the refusal is audited.
            plane.audit()
                    .recordRefusal(AuditEvent.of(
                            caller.endpoint(),
                            "PUBLISH",
                            "/v1/bus",
                            "503 " + ErrorCode.READ_ONLY_REPLICA.wireName(),
                            requestId,
                            remote));
            send(new Frame.Error(
                    p.requestId(),
                    ErrorCode.READ_ONLY_REPLICA.wireName(),
                    readOnly.get() + plane.site().primary().map(u -> " at " + u).orElse("")));
            return;
        }
        MessageService messages = plane.messages();
        publishes.submit(
                () -> {
                    plane.gate().admitIdentity(caller.endpoint(), HttpFields.build());
                    MessageService.Published m = PublishedEnvelope.signedBy(caller, p.envelope());
                    MessageService.Checked checkedPublish = messages.check(caller, m.room(), m);
                    // Audited before it is appended; without the log it fails closed (LOG-4).
                    plane.audit()
                            .record(AuditEvent.of(
                                    caller.endpoint(),
                                    "PUBLISH",
                                    "/v1/rooms/" + m.room().value() + "/messages",
                                    "started",
                                    requestId,
                                    remote));
                    return checkedPublish;
                },
                (seq, error) -> {
                    if (error == null) {
                        send(new Frame.Ack(p.requestId(), seq));
                    } else {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        if (cause instanceof KeyroomException x) {
                            send(new Frame.Error(p.requestId(), x.code().wireName(), x.getMessage()));
                        } else {
                            log.atWarn().setCause(cause).log("a data-plane publish failed");
                            send(new Frame.Error(p.requestId(), "internal", "internal error"));
                        }
                    }
                });
    }

    /** Ends this session's subscription to {@code room}, telling the client why (AZ-7). */
    void evict(RoomId room, String reason) {
        if (feeds.stop(room)) {
            send(new Frame.Evict(room, reason));
        }
    }

    /** Closes the session because its identity may no longer act (AUTH-8). */
    void closeFor(String reason) {
        close(CLOSE_REVOKED, reason);
    }

    private void send(Frame f) {
        if (!closed && !outbox.offer(f)) {
            close(CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
        }
    }

    private void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        closedLog(code, reason);
        outbox.close();
        Session s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
        release();
    }

    private void release() {
        feeds.stopAll();
        outbox.close();
        plane.hub().unregister(this);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (!closed) {
            closedLog(statusCode, reason);
        }
        closed = true;
        release();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (!closed) {
            closedLog(1006, cause.getClass().getSimpleName());
        }
        closed = true;
        release();
    }

    private void closedLog(int code, String reason) {
        User u = user;
        log.atInfo()
                .addKeyValue("session", shortId())
                .addKeyValue("key_id", u == null ? "-" : u.endpoint().value())
                .addKeyValue("code", code)
                .addKeyValue("reason", reason == null ? "" : reason)
                .log("data-plane session closed");
    }
}
