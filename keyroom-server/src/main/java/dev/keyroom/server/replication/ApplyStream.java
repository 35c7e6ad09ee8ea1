package dev.keyroom.server.replication;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.server.web.RequestIds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A primary's stream of change batches on a backup's replication listener ({@value #PATH}, a
 * WebSocket over the listener's mutual TLS): opening it counts against the source's budget of 60 a
 * minute (REPL-5); each binary message is one batch, {@code site key (32 bytes) || signature (64
 * bytes) || body}, checked exactly as a batch posted to {@code /v1/replication/apply} is (key,
 * signature over the body, age, nonce, contiguity; audited), and answered in order by one text
 * message, the same JSON with its {@code status}. One batch is in flight at a time: the next
 * message is read once the answer is sent. A source banned meanwhile is cut off.
 *
 * <p>So a primary sends each batch as soon as the one before is applied, instead of once a second,
 * and its backup's lag stays well under a second under load (the target) while the
 * endpoint still takes 60 requests a minute from a source.
 */
public final class ApplyStream implements Session.Listener {
    public static final String PATH = "/v1/replication/stream";
    public static final int KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;

    private final ApplyHandler handler;
    private final ApplyGate gate;
    private final String source;
    private final RequestIds ids;
    private volatile Session session;

    /**
     * The WebSocket handler of the replication listener: streams at {@value #PATH}, each admitted
     * by the gate when it opens; other requests go to {@code handler}.
     */
    public static org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler upgrade(
            org.eclipse.jetty.server.Server server, ApplyHandler handler, ApplyGate gate, RequestIds ids) {
        var ws = org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(ApplyHandler.MAX_BODY + KEY_BYTES + SIGNATURE_BYTES);
            container.setMaxTextMessageSize(1024);
            container.setMaxFrameSize(1 << 20);
            container.setIdleTimeout(java.time.Duration.ofMinutes(2));
            container.setMaxOutgoingFrames(16);
            container.addMapping(PATH, (rq, rs, cb) -> {
                String source = org.eclipse.jetty.server.Request.getRemoteAddr(rq);
                String id = ids.next();
                try {
                    gate.admitStream(source, id);
                } catch (dev.keyroom.core.error.KeyroomException e) {
                    dev.keyroom.server.web.ErrorResponses.refuse(rs, cb, e, id);
                    return null;
                }
                return new ApplyStream(handler, gate, source, ids);
            });
        });
        ws.setHandler(handler);
        return ws;
    }

    ApplyStream(ApplyHandler handler, ApplyGate gate, String source, RequestIds ids) {
        this.handler = handler;
        this.gate = gate;
        this.source = source;
        this.ids = ids;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        s.demand();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        Session s = session;
        try {
            byte[] frame = new byte[payload.remaining()];
            payload.get(frame);
            ApplyHandler.Answer a;
            if (frame.length < KEY_BYTES + SIGNATURE_BYTES) {
                Map<String, Object> bad = new LinkedHashMap<>();
                bad.put("code", "bad_request");
                bad.put("message", "a batch is the site key, the signature and the body");
                a = new ApplyHandler.Answer(400, bad);
            } else {
                a = handler.apply(
                        ReplicationBatch.Feed.CHANGES,
                        source,
                        Base64Url.encode(Arrays.copyOfRange(frame, 0, KEY_BYTES)),
                        Base64Url.encode(Arrays.copyOfRange(frame, KEY_BYTES, KEY_BYTES + SIGNATURE_BYTES)),
                        Arrays.copyOfRange(frame, KEY_BYTES + SIGNATURE_BYTES, frame.length),
                        ids.next(),
                        false);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", a.status());
            answer.putAll(handler.withEpoch(a.body()));
            s.sendText(Json.writeString(answer), Callback.NOOP);
            if (gate.banned(source)) {
                s.close(1008, "banned", Callback.NOOP);
                return;
            }
        } finally {
            callback.succeed();
        }
        s.demand();
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        Session s = session;
        if (s != null) {
            s.sendPong(payload, Callback.NOOP);
            s.demand();
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        Session s = session;
        if (s != null) {
            s.demand();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // The primary went away mid-stream (it reconnects); nothing was acknowledged that was not applied.
        org.slf4j.LoggerFactory.getLogger(ApplyStream.class)
                .atDebug()
                .setCause(cause)
                .log("a replication stream failed");
    }

    @Override
    public void onWebSocketText(String message) {
        Session s = session;
        if (s != null) {
            s.close(1003, "binary batches only", Callback.NOOP);
        }
    }
}
