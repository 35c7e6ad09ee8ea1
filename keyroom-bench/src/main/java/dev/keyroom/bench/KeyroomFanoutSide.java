package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.bus.Frame;
import dev.keyroom.protocol.envelope.MessageCrypto;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/** Keyroom: JDK WebSocket clients on the data plane, authenticated by challenge signature. */
final class KeyroomFanoutSide extends FanoutSide {
    /** A node to connect to: its URL and, under TLS, the pin of its certificate. */
    record Target(URI base, Optional<String> pin) {
        static Target plain(URI base) {
            return new Target(base, Optional.empty());
        }

        KeyroomClient client(Identity id) {
            KeyroomClient.Builder b = KeyroomClient.builder(base, id);
            pin.ifPresent(p -> b.trust(dev.keyroom.client.ServerTrust.pin(p)));
            return b.build();
        }
    }

    final Target publisherNode;
    final Target subscriberNode;
    final Identity publisher;
    final List<Identity> subscriberIds;
    final List<RoomId> roomIds;
    final List<SecretBytes> roomKeys;
    final Map<Target, HttpClient> clients = new HashMap<>();
    final Semaphore inFlight = new Semaphore(FanoutLoad.WINDOW);
    final Map<Long, Integer> indexById = new HashMap<>();
    final List<WebSocket> sockets = new ArrayList<>();
    byte[][] frames;
    WebSocket pub;

    private KeyroomFanoutSide(
            Target publisherNode,
            Target subscriberNode,
            Identity publisher,
            List<Identity> subs,
            List<RoomId> roomIds,
            List<SecretBytes> keys) {
        super("keyroom", roomIds.size());
        this.publisherNode = publisherNode;
        this.subscriberNode = subscriberNode;
        this.publisher = publisher;
        this.subscriberIds = subs;
        this.roomIds = roomIds;
        this.roomKeys = keys;
    }

    static KeyroomFanoutSide setUp(URI base, Identity admin, int rooms) throws Exception {
        return setUp(Target.plain(base), Target.plain(base), admin, rooms);
    }

    /** The publisher on {@code publisherNode}, the subscribers on {@code subscriberNode}. */
    static KeyroomFanoutSide setUp(Target publisherNode, Target subscriberNode, Identity admin, int rooms)
            throws Exception {
        SecureRandom random = new SecureRandom();
        try (KeyroomClient a = publisherNode.client(admin)) {
            Identity pub = Identity.generate(random);
            a.users().register(pub.signPub(), pub.kexPub(), "bench-publisher-" + rooms, Role.AGENT);
            List<Identity> subs = new ArrayList<>();
            for (int s = 0; s < FanoutLoad.SUBSCRIBERS; s++) {
                Identity id = Identity.generate(random);
                a.users().register(id.signPub(), id.kexPub(), "bench-subscriber-" + rooms + "-" + s, Role.AGENT);
                subs.add(id);
            }
            List<RoomId> ids = new ArrayList<>();
            List<SecretBytes> keys = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                RoomId room =
                        new RoomId(a.rooms().create("bench-" + rooms + "-" + r).roomId());
                a.rooms().invite(room, pub.endpoint(), RoomRole.MEMBER);
                for (Identity s : subs) {
                    a.rooms().invite(room, s.endpoint(), RoomRole.MEMBER);
                }
                ids.add(room);
                keys.add(a.rooms().key(room, Optional.empty()));
            }
            KeyroomFanoutSide side = new KeyroomFanoutSide(publisherNode, subscriberNode, pub, subs, ids, keys);
            side.connect();
            return side;
        }
    }

    /** Seals and signs {@code count} envelopes, room by room in turn, on every core. */
    void prepare(int count) {
        SecureRandom random = new SecureRandom();
        byte[] plaintext = new byte[FanoutLoad.PAYLOAD];
        random.nextBytes(plaintext);
        frames = new byte[count][];
        IntStream.range(0, count).parallel().forEach(i -> {
            int r = i % rooms;
            byte[] env = MessageCrypto.seal(
                            publisher, roomIds.get(r), 1, roomKeys.get(r), plaintext, random, Clock.system())
                    .encode();
            ByteBuffer f = Frame.encode(new Frame.Publish(i, env));
            byte[] b = new byte[f.remaining()];
            f.get(b);
            frames[i] = b;
        });
        for (int i = 0; i < count; i++) {
            indexById.put(messageKey(frames[i], 2 + 4), i);
        }
        sentAt = new AtomicLongArray(count);
    }

    /** The first 8 bytes of the envelope's message id (magic, flags, room, epoch, sender come first). */
    static long messageKey(byte[] frame, int envelopeOffset) {
        return ByteBuffer.wrap(frame, envelopeOffset + 4 + 1 + 16 + 8 + 16, 8).getLong();
    }

    void connect() throws Exception {
        pub = open(publisher, publisherNode, frame -> {
            if (frame[1] == 7) {
                inFlight.release();
            } else if (frame[1] == 9) {
                System.err.println("keyroom error frame: " + Frame.decode(ByteBuffer.wrap(frame)));
                inFlight.release();
            }
        });
        for (int s = 0; s < FanoutLoad.SUBSCRIBERS; s++) {
            int me = s;
            WebSocket ws = open(subscriberIds.get(s), subscriberNode, frame -> {
                if (frame[1] == 8) {
                    received(me, indexById.get(messageKey(frame, 2 + 16 + 8)));
                }
            });
            for (RoomId r : roomIds) {
                ws.sendBinary(Frame.encode(new Frame.Subscribe(r, 0)), true).join();
            }
        }
        Thread.sleep(500);
    }

    interface FrameHandler {
        void handle(byte[] frame) throws Exception;
    }

    WebSocket open(Identity id, Target node, FrameHandler after) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        String authority = node.base().getHost() + ":" + node.base().getPort();
        HttpClient http = clients.computeIfAbsent(node, t -> {
            HttpClient.Builder b = HttpClient.newBuilder();
            t.pin()
                    .ifPresent(p ->
                            b.sslContext(dev.keyroom.client.ServerTrust.pin(p).sslContext()));
            return b.build();
        });
        String scheme = node.pin().isPresent() ? "wss://" : "ws://";
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(scheme + authority + "/v1/bus"), new WebSocket.Listener() {
                    final java.io.ByteArrayOutputStream parts = new java.io.ByteArrayOutputStream();
                    CompletableFuture<WebSocket> authSent = new CompletableFuture<>();

                    @Override
                    public void onOpen(WebSocket w) {
                        w.request(Long.MAX_VALUE);
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] chunk = new byte[data.remaining()];
                        data.get(chunk);
                        parts.writeBytes(chunk);
                        if (!last) {
                            return null;
                        }
                        byte[] frame = parts.toByteArray();
                        parts.reset();
                        try {
                            if (frame[1] == 1) {
                                byte[] challenge = Arrays.copyOfRange(frame, 2, 34);
                                byte[] sig = id.sign(Frame.authMessage(challenge, authority));
                                authSent = w.sendBinary(Frame.encode(new Frame.Auth(id.endpoint(), sig)), true);
                            } else if (frame[1] == 3) {
                                // The JDK allows one outstanding send: let ours finish first.
                                authSent.thenRun(() -> ready.complete(null));
                            } else {
                                after.handle(frame);
                            }
                        } catch (Exception e) {
                            ready.completeExceptionally(e);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        ready.completeExceptionally(new IOException("closed " + code + " " + reason));
                        if (code != 1000) {
                            System.err.println("keyroom closed a bench connection: " + code + " " + reason);
                        }
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        ready.get(10, TimeUnit.SECONDS);
        sockets.add(ws);
        return ws;
    }

    @Override
    void send(int i) throws Exception {
        inFlight.acquire();
        pub.sendBinary(ByteBuffer.wrap(frames[i]), true).join();
    }

    @Override
    public void close() {
        for (WebSocket ws : sockets) {
            ws.sendClose(1000, "done")
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(x -> null)
                    .join();
        }
        clients.values().forEach(HttpClient::close);
        frames = null;
    }
}
