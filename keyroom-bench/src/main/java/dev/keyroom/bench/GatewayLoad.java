package dev.keyroom.bench;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.server.TestNode;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Gateway load: what the egress gateway adds to a call, against the same loopback HTTPS upstream
 * ({@link BenchUpstream}) called directly and through the gateway in the same run, with the same
 * client (Jetty 12's {@link HttpClient}, keep-alive; through the gateway it sends {@code CONNECT}
 * with Basic proxy credentials of an agent's session, and trusts only the gateway's CA).
 *
 * <p>The gateway runs alone in its own JVM ({@link GatewayProcess}, same {@code java} and class
 * path), so that its CPU time and resident memory can be read from {@code /proc}; the Keyroom node
 * (which the gateway polls for grants), the upstream and the clients run in this JVM. Every proxied
 * call is a real one: grant checked, counted in the gateway's SQLite meter, key injected, forwarded
 * over validated TLS, answer scanned for echoes of the key, audited.
 *
 * <ol>
 *   <li>Idle: the gateway's CPU for 5 s with no load (it polls the node for grants four times a
 *       second), shown as a background rate and subtracted for the net CPU figures.
 *   <li>Latency: one connection, sequential requests; a warm-up of a quarter of the measured count
 *       each way, then ten alternating blocks (direct, proxied, direct, ...) of a tenth of the
 *       measured count each, recorded in HdrHistograms.
 *   <li>Throughput: 16 and 64 concurrent keep-alive connections, each a virtual thread sending one
 *       request after another; a warm-up of half the duration each way, then two alternating rounds.
 *   <li>Memory, on the fresh gateway (before the latency phase) and again after the load: its VmRSS
 *       idle and with the given number of tunnels open (each: {@code CONNECT}, TLS handshake, one
 *       request, then kept open), as found and right after a full collection; and its peak.
 * </ol>
 *
 * <p>The gateway's CPU per proxied request is its CPU time (user and system) over the proxied phases
 * divided by their requests.
 *
 * <p>A grant allows at most 100000 calls a minute, which the gateway can exceed on loopback; so the
 * load runs as {@value #AGENTS} agents, each with its own grant, session and client (direct calls
 * use as many clients, built the same way), and a 429 from the gateway stops the run.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.GatewayLoad [measured requests per side, default 20000] [seconds per throughput
 * phase, default 10] [tunnels, default 1000]}. {@code -Dkeyroom.bench.gatewayJvm="..."} adds options
 * to the gateway's JVM (a flight recording, for example); {@code -Dkeyroom.bench.gatewayCpus=1} runs it
 * under {@code taskset -c 1}, for a run where the load generator is started under {@code taskset -c 0}
 * so that gateway and clients do not share a core. Stops by itself.
 */
public final class GatewayLoad {
    static final int BLOCKS = 10;
    static final int[] CONCURRENCY = {16, 64};
    static final int ROUNDS = 2;
    static final int AGENTS = 8;

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int measured = arguments.integer(0, 20_000);
        int seconds = arguments.integer(1, 10);
        int tunnelCount = arguments.integer(2, 1000);
        String gatewayJvm = System.getProperty("keyroom.bench.gatewayJvm", "");
        Path scratch = ScratchDir.create("keyroom-gateway-load-");
        try (TestNode node = TestNode.start(scratch.resolve("node"));
                BenchUpstream upstream = new BenchUpstream(scratch.resolve("upstream-ca"))) {
            GatewayBenchWorld world = GatewayBenchWorld.setUp(node, upstream, scratch.resolve("gateway"), AGENTS);
            try (GatewayChild gateway = GatewayChild.start(world.dir(), world.grantIds(), gatewayJvm)) {
                long startRss = gateway.rssKib();
                System.out.printf("gateway pid %d at %s, VmRSS %d KiB%n", gateway.pid(), gateway.uri(), startRss);
                List<GatewaySession> sessions = new ArrayList<>();
                for (var agent : world.agents()) {
                    KeyroomClient onGateway = KeyroomClient.builder(gateway.uri(), agent)
                            .random(TestNode.RANDOM)
                            .build();
                    sessions.add(GatewaySession.open(onGateway, Optional.of(Duration.ofMinutes(15))));
                }
                URI target = URI.create("https://127.0.0.1:" + upstream.port() + "/bench");
                SSLContext upstreamTrust = trusting(upstream.caPem);
                SSLContext gatewayTrust = trusting(world.dir().caCertificate());
                Sides sides = new Sides(upstreamTrust, gatewayTrust, gateway.uri(), sessions);

                Thread.sleep(2_000);
                long idleCpu0 = gateway.cpuNanos();
                long idleT0 = System.nanoTime();
                Thread.sleep(5_000);
                double idlePerSecond = (gateway.cpuNanos() - idleCpu0) / ((System.nanoTime() - idleT0) / 1e9);
                System.out.printf("RESULT idle: gateway CPU %.1f ms/s with no load%n", idlePerSecond / 1e6);

                GatewayTunnels.memory(
                        "fresh", gateway, sessions.getFirst(), upstream.port(), gatewayTrust, tunnelCount);
                latency(sides, target, measured, gateway, idlePerSecond);
                for (int c : CONCURRENCY) {
                    sessions.forEach(GatewaySession::renew);
                    throughput(sides, target, c, seconds, gateway, idlePerSecond);
                }
                sessions.forEach(GatewaySession::renew);
                Thread.sleep(2_000);
                GatewayTunnels.memory(
                        "after the load", gateway, sessions.getFirst(), upstream.port(), gatewayTrust, tunnelCount);
                System.out.printf(
                        "RESULT memory: gateway peak VmRSS (VmHWM) %.1f MiB%n", gateway.peakRssKib() / 1024.0);
                sessions.forEach(GatewaySession::close);
            }
        }
    }

    /**
     * How to build the clients of each side: direct (trusting the upstream's CA) or through the gateway
     * (trusting only the gateway's CA), one per agent, the connections shared out between them.
     */
    record Sides(SSLContext upstreamTrust, SSLContext gatewayTrust, URI gateway, List<GatewaySession> sessions) {
        List<HttpClient> direct(int clients, int connections) throws Exception {
            List<HttpClient> out = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                out.add(client(upstreamTrust, share(connections, clients, i), null, null));
            }
            return out;
        }

        List<HttpClient> proxied(int clients, int connections) throws Exception {
            List<HttpClient> out = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                out.add(client(gatewayTrust, share(connections, clients, i), gateway, sessions.get(i)));
            }
            return out;
        }

        private static int share(int connections, int clients, int i) {
            return connections / clients + (i < connections % clients ? 1 : 0);
        }
    }

    static HttpClient client(SSLContext trust, int connections, URI proxy, GatewaySession session) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(trust);
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient c = new HttpClient(new HttpClientTransportOverHTTP(connector));
        c.setMaxConnectionsPerDestination(connections);
        c.setMaxRequestsQueuedPerDestination(4 * connections + 16);
        c.setFollowRedirects(false);
        c.setConnectTimeout(10_000);
        if (proxy != null) {
            c.getProxyConfiguration().addProxy(new HttpProxy(proxy.getHost(), proxy.getPort()));
            // Sent preemptively on every CONNECT; the gateway answers 407 without it.
            c.getAuthenticationStore()
                    .addAuthenticationResult(new BasicAuthentication.BasicResult(
                            proxy, HttpHeader.PROXY_AUTHORIZATION, session.proxyUser(), session.credential()));
        }
        c.start();
        return c;
    }

    static void stop(List<HttpClient> clients) throws Exception {
        for (HttpClient c : clients) {
            c.stop();
        }
    }

    static void call(HttpClient c, URI target) throws Exception {
        ContentResponse r = c.newRequest(target).timeout(30, TimeUnit.SECONDS).send();
        if (r.getStatus() != 200 || r.getContent().length != BenchUpstream.BODY.length) {
            throw new IllegalStateException("GET " + target + " answered " + r.getStatus() + ": "
                    + r.getContentAsString()
                    + (r.getStatus() == 429 ? " (a grant's rate binds: raise GatewayLoad.AGENTS)" : ""));
        }
    }

    private static void latency(Sides sides, URI target, int measured, GatewayChild gateway, double idlePerSecond)
            throws Exception {
        HttpClient direct = sides.direct(1, 1).getFirst();
        HttpClient proxied = sides.proxied(1, 1).getFirst();
        try {
            int warm = Math.max(1, measured / 4);
            sequential(direct, target, warm, null);
            sequential(proxied, target, warm, null);
            Histogram d = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            Histogram p = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            int block = Math.max(1, measured / BLOCKS);
            long cpuProxied = 0;
            long nanosProxied = 0;
            for (int b = 0; b < BLOCKS; b++) {
                sequential(direct, target, block, d);
                long c1 = gateway.cpuNanos();
                long t1 = System.nanoTime();
                sequential(proxied, target, block, p);
                cpuProxied += gateway.cpuNanos() - c1;
                nanosProxied += System.nanoTime() - t1;
            }
            long calls = (long) block * BLOCKS;
            System.out.printf(
                    "RESULT latency, 1 connection, %d sequential requests each way in %d alternating blocks:%n",
                    calls, BLOCKS);
            System.out.printf("RESULT   direct  %s%n", percentiles(d));
            System.out.printf("RESULT   proxied %s%n", percentiles(p));
            System.out.printf(
                    "RESULT   added   p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms (proxied quantile minus direct)%n",
                    ms(p, 50) - ms(d, 50), ms(p, 90) - ms(d, 90), ms(p, 99) - ms(d, 99), ms(p, 99.9) - ms(d, 99.9));
            System.out.printf(
                    "RESULT   gateway CPU %.0f µs per proxied request (%.0f µs net of idle), sequential%n",
                    cpuProxied / 1e3 / calls, (cpuProxied - idlePerSecond * nanosProxied / 1e9) / 1e3 / calls);
        } finally {
            direct.stop();
            proxied.stop();
        }
    }

    private static void sequential(HttpClient c, URI target, int n, Histogram h) throws Exception {
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            call(c, target);
            long t = System.nanoTime() - t0;
            if (h != null) {
                h.recordValue(t);
            }
        }
    }

    private static String percentiles(Histogram h) {
        return String.format(
                Locale.ROOT,
                "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms",
                ms(h, 50),
                ms(h, 90),
                ms(h, 99),
                ms(h, 99.9),
                h.getMaxValue() / 1e6);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    private static void throughput(
            Sides sides, URI target, int connections, int seconds, GatewayChild gateway, double idlePerSecond)
            throws Exception {
        int clients = Math.min(AGENTS, connections);
        List<HttpClient> direct = sides.direct(clients, connections);
        List<HttpClient> proxied = sides.proxied(clients, connections);
        try {
            Duration warm = Duration.ofMillis(seconds * 500L);
            Duration phase = Duration.ofSeconds(seconds);
            saturate(direct, target, connections, warm);
            saturate(proxied, target, connections, warm);
            double directRate = 0;
            double proxiedRate = 0;
            long proxiedCalls = 0;
            long cpuProxied = 0;
            long nanosProxied = 0;
            for (int r = 0; r < ROUNDS; r++) {
                Phase d = saturate(direct, target, connections, phase);
                long c1 = gateway.cpuNanos();
                Phase p = saturate(proxied, target, connections, phase);
                cpuProxied += gateway.cpuNanos() - c1;
                System.out.printf(
                        "  %d connections, round %d: direct %.0f req/s, proxied %.0f req/s%n",
                        connections, r + 1, d.rate(), p.rate());
                directRate += d.rate();
                proxiedRate += p.rate();
                proxiedCalls += p.calls();
                nanosProxied += p.nanos();
            }
            System.out.printf(
                    "RESULT throughput, %d connections, %d rounds of %d s: direct %.0f req/s, proxied %.0f req/s,"
                            + " ratio %.2f; gateway CPU %.0f µs per proxied request (%.0f µs net of idle),"
                            + " %.2f cores busy%n",
                    connections,
                    ROUNDS,
                    seconds,
                    directRate / ROUNDS,
                    proxiedRate / ROUNDS,
                    proxiedRate / directRate,
                    cpuProxied / 1e3 / proxiedCalls,
                    (cpuProxied - idlePerSecond * nanosProxied / 1e9) / 1e3 / proxiedCalls,
                    cpuProxied / (double) nanosProxied);
        } finally {
            stop(direct);
            stop(proxied);
        }
    }

    record Phase(long calls, long nanos) {
        double rate() {
            return calls / (nanos / 1e9);
        }
    }

    /** {@code connections} virtual threads, each sending one request after another on its client. */
    private static Phase saturate(List<HttpClient> clients, URI target, int connections, Duration duration)
            throws Exception {
        LongAdder calls = new LongAdder();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                HttpClient c = clients.get(i % clients.size());
                workers.add(threads.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        call(c, target);
                        calls.increment();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        }
        return new Phase(calls.sum(), System.nanoTime() - start);
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
