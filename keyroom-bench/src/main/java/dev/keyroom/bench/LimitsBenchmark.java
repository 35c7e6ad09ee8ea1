package dev.keyroom.bench;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import org.eclipse.jetty.http.HttpFields;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * What the limits add to a signed request: the whole authentication check alone, against the same
 * check wrapped in every per-request limit (address ban and bucket, body ceiling, budget reserve and
 * release, identity ban and bucket), in one run. Rates are set high so that every limit is evaluated
 * and none refuses.
 */
public class LimitsBenchmark extends PooledRequestBenchmark {
    RequestGate gate;
    InetAddress client;

    @Override
    protected void prepare() throws Exception {
        ServerConfig cfg = ServerConfig.from(
                pool.dir,
                ServerConfig.parse(
                        "limits: {rate_limit_loopback: true, rate_per_address: 100000, burst_per_address: 100000,"
                                + " rate_per_identity: 100000, burst_per_identity: 100000}",
                        "bench"));
        gate = new RequestGate(
                cfg.limits(),
                SignedRequestPool.CLOCK,
                new InflightBudget(
                        cfg.limits().inflightBudgetBytes(), cfg.limits().inflightPerClientBytes()),
                new BanList(pool.store.bans(), SignedRequestPool.CLOCK, 1_000_000, Duration.ofMinutes(1)),
                new SimpleMeterRegistry());
        client = InetAddress.getByName("192.0.2.10");
    }

    @Benchmark
    public Object authOnly() {
        return pool.authenticator.authenticate(pool.next(), pool.body.length, Digests.sha256(pool.body));
    }

    @Benchmark
    public Object authWithLimits() {
        OutgoingRequest r = pool.next();
        HttpFields.Mutable headers = HttpFields.build();
        gate.admitAddress(client, headers);
        if (gate.capFor("POST", SignedRequestPool.PATH) < pool.body.length) {
            throw new IllegalStateException("over the ceiling");
        }
        // As the handler does it: the headers, the reservation of the declared body, the body's checks.
        Object checked = pool.authenticator.verifyHeaders(r, true);
        try (InflightBudget.Reservation held = gate.reserve(pool.body.length, client, pool.id.endpoint(), headers)) {
            Object outcome = checked instanceof RequestAuthenticator.Verified v
                    ? pool.authenticator.verifyBody(v, pool.body.length, Digests.sha256(pool.body))
                    : checked;
            gate.admitIdentity(pool.id.endpoint(), headers);
            return outcome;
        }
    }
}
