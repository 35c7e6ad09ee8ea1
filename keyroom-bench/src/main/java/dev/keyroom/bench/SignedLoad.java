package dev.keyroom.bench;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureBase;
import dev.keyroom.protocol.signature.SignedRequest;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.auth.JettyRequestView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Load generator: signed {@code GET /v1/me} against a real Keyroom node, and the same signed
 * requests against a bare Jetty handler that does nothing but one Ed25519 verify of the rebuilt
 * signature base. Both on loopback, plaintext (so TLS cost does not hide the difference), driven
 * by the same signing client, measured in alternation.
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar dev.keyroom.bench.SignedLoad
 * [seconds per round] [concurrency] [rounds]}. Stops by itself.
 */
public final class SignedLoad {
    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int seconds = arguments.integer(0, 10);
        int concurrency = arguments.integer(1, 16);
        int rounds = arguments.integer(2, 2);
        try (BenchNode node = BenchNode.start("keyroom-load-", "")) {
            KeyroomServer keyroom = node.server();
            Identity id = node.admin();
            Server bare = bareVerifier(id.signPub());
            try {
                URI bareUri =
                        URI.create("http://127.0.0.1:" + ((ServerConnector) bare.getConnectors()[0]).getLocalPort());
                run("warm-up keyroom", keyroom.uri(), id, 15, concurrency);
                run("warm-up bare", bareUri, id, 15, concurrency);
                double k = 0;
                double b = 0;
                for (int i = 0; i < rounds; i++) {
                    k += run("keyroom GET /v1/me", keyroom.uri(), id, seconds, concurrency);
                    b += run("bare Jetty + 1 verify", bareUri, id, seconds, concurrency);
                }
                System.out.printf("keyroom %.0f req/s, bare %.0f req/s, ratio %.2f%n", k / rounds, b / rounds, k / b);
            } finally {
                bare.stop();
            }
        }
    }

    static double run(String label, URI base, Identity id, int seconds, int concurrency) throws Exception {
        return run(label, base, id, seconds, concurrency, java.util.Optional.empty());
    }

    /** As above, over TLS with {@code tls} when given. */
    static double run(
            String label,
            URI base,
            Identity id,
            int seconds,
            int concurrency,
            java.util.Optional<javax.net.ssl.SSLContext> tls)
            throws Exception {
        RequestSigner signer = new RequestSigner(id, Clock.system(), new SecureRandom());
        URI uri = base.resolve("/v1/me");
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        tls.ifPresent(hb::sslContext);
        try (HttpClient http = hb.build();
                ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                fs.add(workers.submit(() -> {
                    while (!stop.get()) {
                        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET();
                        for (Map.Entry<String, String> h :
                                signer.sign("GET", uri, null).entrySet()) {
                            rb.header(h.getKey(), h.getValue());
                        }
                        try {
                            HttpResponse<Void> r = http.send(rb.build(), HttpResponse.BodyHandlers.discarding());
                            (r.statusCode() == 200 ? ok : failed).increment();
                        } catch (Exception e) {
                            failed.increment();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            stop.set(true);
            for (var f : fs) {
                f.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double rate = ok.sum() / elapsed;
            System.out.printf(
                    "%-24s %8.0f req/s  (%d ok, %d failed, %d in flight)%n",
                    label, rate, ok.sum(), failed.sum(), concurrency);
            return rate;
        }
    }

    static Server bareVerifier(byte[] pub) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(pool);
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                JettyRequestView view = new JettyRequestView(request);
                SignedRequest sr = SignedRequest.parse(
                        view.headerValues("signature-input"), view.headerValues("signature"), false);
                boolean valid = Ed25519.verify(pub, SignatureBase.build(sr.params(), view), sr.signature());
                response.setStatus(valid ? 200 : 401);
                response.write(true, ByteBuffer.wrap("{}".getBytes()), callback);
                return true;
            }
        });
        server.start();
        return server;
    }
}
