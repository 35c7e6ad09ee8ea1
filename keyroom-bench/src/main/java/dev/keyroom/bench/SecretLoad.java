package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.vault.SecretWrite;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.audit.AuditTrail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The vault's targets: signed secret reads per second and p99 against a node whose audit log is on
 * and one whose audit is a no-op (same process, alternating rounds), and durable secret writes per
 * second from concurrent writers against one small synchronous write per fsync in the same data
 * directory's file system. Plaintext loopback; one identity with its rate limit lifted.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.SecretLoad [seconds per round] [concurrency] [rounds]}. Stops by itself.
 */
public final class SecretLoad {
    static final int SECRETS = 100;

    /** Audit off: nothing recorded. Only a benchmark may run a node like this. */
    static final class NoAudit implements AuditTrail {
        @Override
        public void record(AuditEvent event) {}

        @Override
        public void requireAvailable() {}

        @Override
        public List<AuditChain.Entry> after(long afterSeq, int limit) {
            return List.of();
        }

        @Override
        public long lastSeq() {
            return 0;
        }

        @Override
        public void close() {}
    }

    /** A node holding {@link #SECRETS} secrets in one cleartext room. */
    record Node(BenchNode node, RoomId room) implements AutoCloseable {
        KeyroomServer server() {
            return node.server();
        }

        Identity admin() {
            return node.admin();
        }

        @Override
        public void close() {
            node.close();
        }
    }

    static Node start(boolean audit) throws Exception {
        BenchNode node = audit
                ? BenchNode.start("keyroom-secrets-audit-", "")
                : BenchNode.start("keyroom-secrets-noaudit-", "", (d, key) -> new NoAudit());
        try (KeyroomClient c =
                KeyroomClient.builder(node.server().uri(), node.admin()).build()) {
            RoomId room = RoomId.parse(c.rooms().createCleartext("bench").roomId());
            for (int i = 0; i < SECRETS; i++) {
                c.secrets().put(room, "s" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), 0);
            }
            return new Node(node, room);
        }
    }

    record Result(double perSecond, double p99Millis, long failed) {}

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int seconds = arguments.integer(0, 10);
        int concurrency = arguments.integer(1, 16);
        int rounds = arguments.integer(2, 2);
        try (Node on = start(true);
                Node off = start(false)) {
            reads(on, 15, concurrency, "warm-up audit on");
            reads(off, 15, concurrency, "warm-up audit off");
            double sumOn = 0;
            double sumOff = 0;
            for (int r = 0; r < rounds; r++) {
                sumOn += reads(on, seconds, concurrency, "reads, audit on").perSecond();
                sumOff += reads(off, seconds, concurrency, "reads, audit off").perSecond();
            }
            System.out.printf(
                    "RESULT reads: audit on %.0f/s, audit off %.0f/s, ratio %.2f%n",
                    sumOn / rounds, sumOff / rounds, sumOn / sumOff);

            double fsyncs = fsyncsPerSecond(on.server(), 5);
            double stored = storeWrites(seconds, 64);
            System.out.printf(
                    "RESULT durable secret writes at the store (64 writers, sealing included): %.0f/s;"
                            + " one fsync per write allows %.0f/s; ratio %.2f%n",
                    stored, fsyncs, stored / fsyncs);
            Result w = writes(on, seconds, concurrency);
            System.out.printf(
                    "RESULT durable writes: %.0f/s with %d writers (p99 %.2f ms, %d failed); one fsync per small"
                            + " write allows %.0f/s here; ratio %.2f%n",
                    w.perSecond(), concurrency, w.p99Millis(), w.failed(), fsyncs, w.perSecond() / fsyncs);
        }
    }

    static Result reads(Node n, int seconds, int concurrency, String label) throws Exception {
        return load(n, seconds, concurrency, label, (signer, http, worker, i) -> {
            URI uri = n.server()
                    .uri()
                    .resolve("/v1/rooms/" + n.room().value() + "/secrets/s"
                            + ThreadLocalRandom.current().nextInt(SECRETS));
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET();
            signer.sign("GET", uri, null).forEach(rb::header);
            return http.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    static Result writes(Node n, int seconds, int concurrency) throws Exception {
        long[] versions = new long[concurrency];
        return load(n, seconds, concurrency, "durable writes", (signer, http, worker, i) -> {
            URI uri = n.server().uri().resolve("/v1/rooms/" + n.room().value() + "/secrets/w" + worker);
            byte[] body = ("{\"value\":\"dmFsdWU\",\"if_version\":" + versions[worker] + "}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
            signer.sign("PUT", uri, body).forEach(rb::header);
            boolean ok = http.send(rb.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
            if (ok) {
                versions[worker]++;
            }
            return ok;
        });
    }

    interface Call {
        boolean run(RequestSigner signer, HttpClient http, int worker, long i) throws Exception;
    }

    static Result load(Node n, int seconds, int concurrency, String label, Call call) throws Exception {
        RequestSigner signer = new RequestSigner(n.admin(), Clock.system(), new SecureRandom());
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> latencies = new ArrayList<>();
        long[] failed = new long[concurrency];
        int[] counts = new int[concurrency];
        try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                long[] mine = new long[2_000_000];
                latencies.add(mine);
                int worker = w;
                fs.add(workers.submit(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        long t = System.nanoTime();
                        if (call.run(signer, http, worker, i++)) {
                            if (counts[worker] < mine.length) {
                                mine[counts[worker]++] = System.nanoTime() - t;
                            }
                        } else {
                            failed[worker]++;
                        }
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds));
            stop.set(true);
            for (Future<?> f : fs) {
                f.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long total = Arrays.stream(counts).asLongStream().sum();
            long[] all = new long[(int) total];
            int k = 0;
            for (int w = 0; w < concurrency; w++) {
                System.arraycopy(latencies.get(w), 0, all, k, counts[w]);
                k += counts[w];
            }
            Arrays.sort(all);
            Result r = new Result(
                    total / elapsed,
                    all.length == 0 ? Double.NaN : all[(int) Math.min(all.length - 1, all.length * 0.99)] / 1e6,
                    Arrays.stream(failed).sum());
            System.out.printf(
                    "  %-20s %8.0f/s  p99 %6.2f ms  (%d ok, %d failed, %d concurrent)%n",
                    label, r.perSecond(), r.p99Millis(), total, r.failed(), concurrency);
            return r;
        }
    }

    /**
     * Durable secret writes where group commit is measured alone: {@code writers} virtual threads,
     * each writing its own secret with if_version, sealed by a keyring, through the SQLite store
     * (synchronous=FULL; nothing returns before its group's commit). No HTTP, no signatures.
     */
    static double storeWrites(int seconds, int writers) throws Exception {
        Path dir = ScratchDir.create("keyroom-store-writes-");
        SecureRandom random = new SecureRandom();
        try (dev.keyroom.store.sqlite.SqliteStore store =
                        dev.keyroom.store.sqlite.SqliteStore.open(dir.resolve("keyroom.db"));
                Identity id = Identity.generate(random);
                dev.keyroom.core.crypto.Keyring keyring = dev.keyroom.core.crypto.Keyring.generate(random);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            java.time.Instant now = java.time.Instant.now();
            store.users()
                    .create(new dev.keyroom.core.identity.User(
                            id.endpoint(),
                            "bench",
                            dev.keyroom.core.identity.Role.ADMIN,
                            dev.keyroom.core.identity.UserStatus.ACTIVE,
                            id.signPub(),
                            id.kexPub(),
                            now));
            RoomId room = RoomId.random(random);
            store.rooms()
                    .create(
                            new dev.keyroom.core.rooms.Room(
                                    room,
                                    "bench",
                                    dev.keyroom.core.rooms.RoomPolicy.CLEARTEXT,
                                    1,
                                    id.endpoint(),
                                    now,
                                    false),
                            new dev.keyroom.core.rooms.Member(
                                    id.endpoint(), dev.keyroom.core.rooms.RoomRole.OWNER, now),
                            java.util.Optional.empty());
            byte[] value = "a value of some thirty-two bytes".getBytes(StandardCharsets.UTF_8);
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.LongAdder done = new java.util.concurrent.atomic.LongAdder();
            List<Future<?>> fs = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                String name = "w" + w;
                fs.add(pool.submit(() -> {
                    long version = 0;
                    while (!stop.get()) {
                        version = store.secrets()
                                .put(
                                        new SecretWrite(room, name, id.endpoint(), java.time.Instant.now(), 5),
                                        java.util.Optional.of(version),
                                        v -> keyring.seal(
                                                dev.keyroom.core.vault.VaultService.context(room, name, v),
                                                value,
                                                random));
                        done.increment();
                    }
                    return null;
                }));
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            stop.set(true);
            for (Future<?> f : fs) {
                f.get();
            }
            double rate = done.sum() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  %-20s %8.0f/s  (%d writers, store only)%n", "durable store writes", rate, writers);
            return rate;
        }
    }

    /** One small write and an fsync, in a loop, on the file system the node's data lives on. */
    static double fsyncsPerSecond(KeyroomServer server, int seconds) throws Exception {
        Path f = Files.createTempFile("keyroom-fsync-", ".bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            byte[] record = new byte[200];
            long n = 0;
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                ch.write(ByteBuffer.wrap(record));
                ch.force(false);
                n++;
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  %-20s %8.0f/s%n", "write + fsync", rate);
            return rate;
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
