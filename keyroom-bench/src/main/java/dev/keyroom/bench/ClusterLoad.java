package dev.keyroom.bench;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.server.ClusterFixture;
import dev.keyroom.server.TestNode;
import dev.keyroom.store.nats.NatsNonceStore;
import dev.keyroom.testkit.NatsServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Load generator for cluster mode (issue 6), everything on loopback, started and stopped by itself:
 *
 * <ol>
 *   <li>Cross-node nonce claims on a three-server R3 JetStream cluster: a claim through server 0
 *       (accepted), then the same nonce through server 1 (refused); latency of each, one at a time.
 *   <li>Signed {@code GET /v1/me} over TLS: a single embedded node; node A of a two-node cluster
 *       over three NATS servers; nodes A and B together (half the clients on each). Same run.
 *   <li>Fan-out: one publisher and ten subscribers on the single node, then the publisher on A and
 *       the subscribers on B.
 * </ol>
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar dev.keyroom.bench.ClusterLoad
 * [seconds per round] [concurrency] [nonce claims] [fan-out messages]}.
 */
public final class ClusterLoad {
    private static final String LIFTED = "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n"
            + "bus: {max_subscriptions: 128, max_queued_frames: 65536}\n";

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int seconds = arguments.integer(0, 10);
        int concurrency = arguments.integer(1, 32);
        int claims = arguments.integer(2, 5000);
        int messages = arguments.integer(3, 20_000);
        Path dir = ScratchDir.create("keyroom-cluster-load-");
        nonceClaims(dir.resolve("nonces"), claims);
        try (TestNode single = TestNode.start(Files.createDirectories(dir.resolve("single")), LIFTED);
                ClusterFixture cluster =
                        ClusterFixture.start(Files.createDirectories(dir.resolve("cluster")), LIFTED)) {
            signedRequests(single, cluster, seconds, concurrency);
            fanout(single, cluster, messages);
        }
    }

    /**
     * One publisher, ten subscribers, one room, 1 KiB messages, as fast as a window of 2000 allows:
     * all on the single node, then the publisher on A and the subscribers on B.
     */
    static void fanout(TestNode single, ClusterFixture cluster, int messages) throws Exception {
        KeyroomFanoutSide.Target s = new KeyroomFanoutSide.Target(single.uri(), single.server.pin());
        KeyroomFanoutSide.Target a = new KeyroomFanoutSide.Target(cluster.a.uri(), cluster.a.server.pin());
        KeyroomFanoutSide.Target b = new KeyroomFanoutSide.Target(cluster.b.uri(), cluster.b.server.pin());
        try (KeyroomFanoutSide local = KeyroomFanoutSide.setUp(s, s, single.adminIdentity, 1);
                KeyroomFanoutSide across = KeyroomFanoutSide.setUp(a, b, cluster.a.adminIdentity, 1)) {
            int total = messages / 5 + 2 * messages;
            local.prepare(total);
            across.prepare(total);
            FanoutMeasurement.throughput(local, messages / 5, "warm-up");
            FanoutMeasurement.throughput(across, messages / 5, "warm-up");
            double l = 0;
            double x = 0;
            for (int r = 0; r < 2; r++) {
                l += FanoutMeasurement.throughput(local, messages, "single " + (r + 1))
                        .deliveriesPerSecond();
                x += FanoutMeasurement.throughput(across, messages, "A->B " + (r + 1))
                        .deliveriesPerSecond();
            }
            System.out.printf(
                    "fan-out over TLS, 1 KiB, 1 publisher, 10 subscribers: single node %.0f deliveries/s,"
                            + " publisher on A and subscribers on B %.0f deliveries/s (%.2f x single)%n",
                    l / 2, x / 2, x / l);
        }
    }

    static void nonceClaims(Path dir, int claims) throws Exception {
        try (NatsServers nats = NatsServers.cluster(dir, 3);
                Connection a = connect(nats.url(0));
                Connection b = connect(nats.url(1))) {
            NatsNonceStore[] stores = new NatsNonceStore[2];
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stores[0] == null) {
                try {
                    stores[0] = new NatsNonceStore(a, "bench-nonces", 3, Duration.ofMinutes(11), Duration.ofSeconds(2));
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(250);
                }
            }
            stores[1] = new NatsNonceStore(b, "bench-nonces", 3, Duration.ofMinutes(11), Duration.ofSeconds(2));
            EndpointId key = new EndpointId("c".repeat(32));
            Duration window = Duration.ofSeconds(60);
            for (int i = 0; i < 1000; i++) { // warm-up
                stores[i % 2].claim(key, "warm-" + i, Instant.now(), window);
            }
            long[] first = new long[claims];
            long[] cross = new long[claims];
            for (int i = 0; i < claims; i++) {
                String nonce = "nonce-" + i;
                long t0 = System.nanoTime();
                NonceStore.Claim c0 = stores[0].claim(key, nonce, Instant.now(), window);
                long t1 = System.nanoTime();
                NonceStore.Claim c1 = stores[1].claim(key, nonce, Instant.now(), window);
                long t2 = System.nanoTime();
                if (c0 != NonceStore.Claim.ACCEPTED || c1 != NonceStore.Claim.REPLAYED) {
                    throw new IllegalStateException("claim " + i + ": " + c0 + " then " + c1);
                }
                first[i] = t1 - t0;
                cross[i] = t2 - t1;
            }
            print("nonce claim on server 0 (accepted)", first);
            print("same nonce on server 1 (refused)", cross);
        }
    }

    static void print(String label, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(
                "%-36s n=%d p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                label, s.length, s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
    }

    static void signedRequests(TestNode single, ClusterFixture cluster, int seconds, int concurrency) throws Exception {
        Target one = new Target(single);
        Target a = new Target(cluster.a);
        Target b = new Target(cluster.b);
        one.load("warm-up single", 15, concurrency);
        a.load("warm-up A", 15, concurrency);
        b.load("warm-up B", 15, concurrency);
        double alone = one.load("single node (SQLite)", seconds, concurrency);
        double aAlone = a.load("cluster node A alone", seconds, concurrency);
        CompletableFuture<Double> onA =
                CompletableFuture.supplyAsync(() -> quietly(() -> a.load("  A, beside B", seconds, concurrency / 2)));
        CompletableFuture<Double> onB =
                CompletableFuture.supplyAsync(() -> quietly(() -> b.load("  B, beside A", seconds, concurrency / 2)));
        double both = onA.get() + onB.get();
        System.out.printf(
                "signed GET /v1/me over TLS: single %.0f req/s, cluster A alone %.0f, A+B %.0f (%.2f x single)%n",
                alone, aAlone, both, both / alone);
    }

    /** A node under signed load over TLS, pinned to its certificate. */
    record Target(TestNode node, SSLContext tls) {
        Target(TestNode node) {
            this(node, ClusterLoad.tls(node));
        }

        double load(String label, int seconds, int concurrency) throws Exception {
            return SignedLoad.run(label, node.uri(), node.adminIdentity, seconds, concurrency, Optional.of(tls));
        }
    }

    static SSLContext tls(TestNode node) {
        return ServerTrust.pin(node.server.pin().orElseThrow()).sslContext();
    }

    interface Run {
        double run() throws Exception;
    }

    static double quietly(Run r) {
        try {
            return r.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection connect(String url) throws Exception {
        return Nats.connect(new Options.Builder()
                .server(url)
                .connectionTimeout(Duration.ofSeconds(2))
                .build());
    }
}
