package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.bus.Frame;
import dev.keyroom.protocol.envelope.MessageCrypto;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.testkit.FreePorts;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
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
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Fan-out load: 1 KiB messages from one publisher to ten subscribers, in one room and spread over
 * 100 rooms, through a Keyroom node's data plane and through a plain local {@code nats-server}
 * with jnats clients, in the same run. Keyroom messages are real envelopes (encrypted and signed
 * by the publisher ahead of the run, so that the client's signing does not compete with the
 * server); the server verifies, sequences, stores durably and fans out each one. Subscribers count
 * frames and take the latency from the publisher's send time; they do not decrypt.
 *
 * <p>Two measurements per system: throughput (the publisher stays at most {@code WINDOW} messages
 * ahead of the slowest subscriber, the same rule for both), and latency at a fixed rate of 100k
 * deliveries a second (10k publishes a second to 10 subscribers).
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.FanoutLoad [messages per throughput run] [seconds of the latency run]
 * [rounds]}. Starts and stops its own servers on loopback.
 */
public final class FanoutLoad {
    static final int SUBSCRIBERS = 10;
    static final int PAYLOAD = 1024;
    static final int WINDOW = 2000;
    static final int LATENCY_PUBLISHES_PER_SECOND = 10_000;

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = ScratchDir.create("keyroom-fanout-");
        ServerConfig cfg = BenchConfig.loopbackNode(dir, "bus: {max_subscriptions: 128, max_queued_frames: 65536}\n");
        try (NatsProcess nats = NatsProcess.start(ScratchDir.create("keyroom-fanout-nats-"));
                KeyroomServer keyroom = KeyroomServer.start(cfg);
                Identity admin = IdentityFile.read(new DataDir(dir).adminIdentity())) {
            for (int roomCount : new int[] {1, 100}) {
                KeyroomSide k = KeyroomSide.setUp(keyroom.uri(), admin, roomCount);
                NatsSide n = new NatsSide(nats.url(), roomCount);
                int latencyMessages = latencySeconds * LATENCY_PUBLISHES_PER_SECOND;
                int total = messages / 5 + rounds * messages + latencyMessages;
                long t0 = System.nanoTime();
                k.prepare(total);
                System.out.printf(
                        "%d room(s): %d envelopes sealed and signed in %.1f s%n",
                        roomCount, total, (System.nanoTime() - t0) / 1e9);
                throughput(k, messages / 5, "warm-up");
                throughput(n, messages / 5, "warm-up");
                double kr = 0;
                double nr = 0;
                for (int r = 0; r < rounds; r++) {
                    kr += throughput(k, messages, "round " + (r + 1)).deliveriesPerSecond();
                    nr += throughput(n, messages, "round " + (r + 1)).deliveriesPerSecond();
                }
                Result kl = paced(k, latencyMessages);
                Result nl = paced(n, latencyMessages);
                System.out.printf(
                        "RESULT %d room(s): keyroom %.0f deliveries/s, nats %.0f deliveries/s, ratio %.2f;"
                                + " at 100k deliveries/s: keyroom p50 %.2f ms p99 %.2f ms, nats p50 %.2f ms p99 %.2f ms%n",
                        roomCount, kr / rounds, nr / rounds, kr / nr, kl.p50(), kl.p99(), nl.p50(), nl.p99());
                k.close();
                n.close();
            }
        }
    }

    /** One system under load: a publisher and {@link #SUBSCRIBERS} subscribers following every room. */
    abstract static class Side implements AutoCloseable {
        final String name;
        final int rooms;
        final AtomicLongArray delivered = new AtomicLongArray(SUBSCRIBERS);
        AtomicLongArray sentAt;
        long[][] latencies;
        int[] latencyCount;
        volatile boolean recording;
        /** The first message of the next run (Keyroom's envelopes are used once each). */
        int cursor;

        Side(String name, int rooms) {
            this.name = name;
            this.rooms = rooms;
        }

        /** Sends message {@code i} (of the prepared sequence); may block for flow control. */
        abstract void send(int i) throws Exception;

        /** Called by subscriber {@code s}, one thread per subscriber, for message {@code i}. */
        final void received(int s, int i) {
            long now = System.nanoTime();
            if (recording && latencyCount[s] < latencies[s].length) {
                latencies[s][latencyCount[s]++] = now - sentAt.get(i);
            }
            delivered.incrementAndGet(s);
        }

        void advance(int count) {
            cursor += count;
        }

        long slowest() {
            long min = Long.MAX_VALUE;
            for (int s = 0; s < SUBSCRIBERS; s++) {
                min = Math.min(min, delivered.get(s));
            }
            return min;
        }

        void reset(int capacity) {
            for (int s = 0; s < SUBSCRIBERS; s++) {
                delivered.set(s, 0);
            }
            latencies = new long[SUBSCRIBERS][capacity];
            latencyCount = new int[SUBSCRIBERS];
        }
    }

    record Result(double deliveriesPerSecond, double p50, double p99) {}

    /** As fast as the window allows: at most {@link #WINDOW} messages ahead of the slowest subscriber. */
    static Result throughput(Side side, int count, String label) throws Exception {
        long[] allowed = {0};
        return drive(
                side,
                count,
                (i, start) -> {
                    while (i >= allowed[0]) {
                        allowed[0] = side.slowest() + WINDOW;
                        if (i >= allowed[0]) {
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    return System.nanoTime();
                },
                label,
                "%d messages x %d subscribers".formatted(count, SUBSCRIBERS));
    }

    /** At {@link #LATENCY_PUBLISHES_PER_SECOND}, latency counted from when each message was due. */
    static Result paced(Side side, int count) throws Exception {
        long interval = 1_000_000_000L / LATENCY_PUBLISHES_PER_SECOND;
        return drive(
                side,
                count,
                (i, start) -> {
                    long due = start + i * interval;
                    while (due - System.nanoTime() > 0) {
                        LockSupport.parkNanos(50_000);
                    }
                    // A publisher held up counts against the latency.
                    return due;
                },
                "latency",
                "paced at %d deliveries/s".formatted(LATENCY_PUBLISHES_PER_SECOND * SUBSCRIBERS));
    }

    /** When message {@code i} may go; returns the time its latency counts from. */
    interface Pace {
        long await(int i, long start);
    }

    static Result drive(Side side, int count, Pace pace, String label, String shape) throws Exception {
        side.reset(count);
        side.recording = true;
        int first = side.cursor;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            side.sentAt.set(first + i, pace.await(i, start));
            side.send(first + i);
        }
        awaitAll(side, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        side.recording = false;
        side.advance(count);
        Result r = summarise(side, count * (double) SUBSCRIBERS / seconds);
        System.out.printf(
                "  %-8s %-10s %9.0f deliveries/s  p50 %6.2f ms  p99 %7.2f ms  (%s, %d room(s))%n",
                side.name, label, r.deliveriesPerSecond(), r.p50(), r.p99(), shape, side.rooms);
        return r;
    }

    static void awaitAll(Side side, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (side.slowest() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(side.name + ": only " + side.slowest() + " of " + count
                        + " messages reached every subscriber within 60 s");
            }
            Thread.sleep(1);
        }
    }

    static Result summarise(Side side, double rate) {
        long[] all = IntStream.range(0, SUBSCRIBERS)
                .mapToObj(s -> Arrays.copyOf(side.latencies[s], side.latencyCount[s]))
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        return new Result(rate, percentile(all, 0.50), percentile(all, 0.99));
    }

    static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }

    /** Keyroom: JDK WebSocket clients on the data plane, authenticated by challenge signature. */
    static final class KeyroomSide extends Side {
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
        final Semaphore inFlight = new Semaphore(WINDOW);
        final Map<Long, Integer> indexById = new HashMap<>();
        final List<WebSocket> sockets = new ArrayList<>();
        byte[][] frames;
        WebSocket pub;

        private KeyroomSide(
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

        static KeyroomSide setUp(URI base, Identity admin, int rooms) throws Exception {
            return setUp(Target.plain(base), Target.plain(base), admin, rooms);
        }

        /** The publisher on {@code publisherNode}, the subscribers on {@code subscriberNode}. */
        static KeyroomSide setUp(Target publisherNode, Target subscriberNode, Identity admin, int rooms)
                throws Exception {
            SecureRandom random = new SecureRandom();
            try (KeyroomClient a = publisherNode.client(admin)) {
                Identity pub = Identity.generate(random);
                a.users().register(pub.signPub(), pub.kexPub(), "bench-publisher-" + rooms, Role.AGENT);
                List<Identity> subs = new ArrayList<>();
                for (int s = 0; s < SUBSCRIBERS; s++) {
                    Identity id = Identity.generate(random);
                    a.users().register(id.signPub(), id.kexPub(), "bench-subscriber-" + rooms + "-" + s, Role.AGENT);
                    subs.add(id);
                }
                List<RoomId> ids = new ArrayList<>();
                List<SecretBytes> keys = new ArrayList<>();
                for (int r = 0; r < rooms; r++) {
                    RoomId room = new RoomId(
                            a.rooms().create("bench-" + rooms + "-" + r).roomId());
                    a.rooms().invite(room, pub.endpoint(), RoomRole.MEMBER);
                    for (Identity s : subs) {
                        a.rooms().invite(room, s.endpoint(), RoomRole.MEMBER);
                    }
                    ids.add(room);
                    keys.add(a.rooms().key(room, Optional.empty()));
                }
                KeyroomSide side = new KeyroomSide(publisherNode, subscriberNode, pub, subs, ids, keys);
                side.connect();
                return side;
            }
        }

        /** Seals and signs {@code count} envelopes, room by room in turn, on every core. */
        void prepare(int count) {
            SecureRandom random = new SecureRandom();
            byte[] plaintext = new byte[PAYLOAD];
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
            return ByteBuffer.wrap(frame, envelopeOffset + 4 + 1 + 16 + 8 + 16, 8)
                    .getLong();
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
            for (int s = 0; s < SUBSCRIBERS; s++) {
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
                        .ifPresent(p -> b.sslContext(
                                dev.keyroom.client.ServerTrust.pin(p).sslContext()));
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

    /** Plain NATS: one jnats connection per client, core publish and subscribe, no JetStream. */
    static final class NatsSide extends Side {
        final Connection pub;
        final List<Connection> subs = new ArrayList<>();
        final String[] subjects;

        NatsSide(String url, int rooms) throws Exception {
            super("nats", rooms);
            Options o = new Options.Builder().server(url).build();
            pub = Nats.connect(o);
            subjects =
                    IntStream.range(0, rooms).mapToObj(r -> "bench.room." + r).toArray(String[]::new);
            for (int s = 0; s < SUBSCRIBERS; s++) {
                int me = s;
                Connection c = Nats.connect(o);
                Dispatcher d = c.createDispatcher(
                        m -> received(me, ByteBuffer.wrap(m.getData()).getInt()));
                d.setPendingLimits(-1, -1);
                for (String subject : subjects) {
                    d.subscribe(subject);
                }
                c.flush(Duration.ofSeconds(5));
                subs.add(c);
            }
        }

        @Override
        void reset(int capacity) {
            super.reset(capacity);
            sentAt = new AtomicLongArray(capacity);
        }

        @Override
        void advance(int count) {
            // NATS payloads carry their index from 0 in every run.
        }

        @Override
        void send(int i) {
            byte[] p = new byte[PAYLOAD];
            ByteBuffer.wrap(p).putInt(i);
            pub.publish(subjects[i % rooms], p);
        }

        @Override
        public void close() throws Exception {
            pub.close();
            for (Connection c : subs) {
                c.close();
            }
        }
    }

    /** A {@code nats-server} (no JetStream) on a free loopback port, stopped on close. */
    record NatsProcess(Process process, int port) implements AutoCloseable {
        static NatsProcess start(Path dir) throws Exception {
            int port = FreePorts.one();
            String exe = Files.isExecutable(Path.of("/usr/sbin/nats-server")) ? "/usr/sbin/nats-server" : "nats-server";
            Process p = new ProcessBuilder(exe, "-a", "127.0.0.1", "-p", String.valueOf(port))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nats.log").toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return new NatsProcess(p, port);
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !p.isAlive()) {
                        p.destroyForcibly();
                        throw new IllegalStateException("nats-server did not start; see " + dir.resolve("nats.log"));
                    }
                    Thread.sleep(50);
                }
            }
        }

        String url() {
            return "nats://127.0.0.1:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
