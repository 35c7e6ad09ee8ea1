package dev.keyroom.bench;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the limits add to a signed request: the whole authentication check alone, against the same
 * check wrapped in every per-request limit (address ban and bucket, body ceiling, budget reserve and
 * release, identity ban and bucket), in one run. Rates are set high so that every limit is evaluated
 * and none refuses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimitsBenchmark {
    static final int POOL = 8192;
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    Path dir;
    SqliteStore store;
    RequestAuthenticator authenticator;
    RequestGate gate;
    OutgoingRequest[] requests;
    byte[] body;
    Identity id;
    InetAddress client;
    int next;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        dir = Files.createTempDirectory("keyroom-bench-");
        store = SqliteStore.open(dir.resolve("bench.db"));
        id = Identity.generate(random);
        store.createUser(
                new User(id.endpoint(), "bench", Role.MEMBER, UserStatus.ACTIVE, id.signPub(), id.kexPub(), NOW));
        Clock clock = () -> NOW;
        authenticator = new RequestAuthenticator(
                new UserDirectory(store), new InMemoryNonceStore(1_000_000), clock, Duration.ofSeconds(30), Set.of());
        ServerConfig cfg = ServerConfig.from(
                dir,
                ServerConfig.parse(
                        "limits: {rate_limit_loopback: true, rate_per_address: 100000, burst_per_address: 100000,"
                                + " rate_per_identity: 100000, burst_per_identity: 100000}",
                        "bench"));
        gate = new RequestGate(
                cfg.limits(),
                clock,
                new InflightBudget(cfg.limits().inflightBudgetBytes()),
                new BanList(store, clock, 1_000_000, Duration.ofMinutes(1)),
                new SimpleMeterRegistry());
        client = InetAddress.getByName("192.0.2.10");
        RequestSigner signer = new RequestSigner(id, clock, random);
        URI uri = URI.create("https://keyroom.example.com:8443/v1/rooms/0123456789abcdef0123456789abcdef/members");
        body = ("{\"endpoint\":\"0123456789abcdef0123456789abcdef\",\"role\":\"member\",\"sealed_key\":\""
                        + "A".repeat(107) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        requests = new OutgoingRequest[POOL];
        for (int i = 0; i < POOL; i++) {
            requests[i] = new OutgoingRequest("POST", uri, signer.sign("POST", uri, body));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public Object authOnly() {
        OutgoingRequest r = requests[next++ & (POOL - 1)];
        return authenticator.authenticate(r, body.length, Digests.sha256(body));
    }

    @Benchmark
    public Object authWithLimits() {
        OutgoingRequest r = requests[next++ & (POOL - 1)];
        HttpFields.Mutable headers = HttpFields.build();
        gate.admitAddress(client, headers);
        long cap = gate.capFor("POST", "/v1/rooms/0123456789abcdef0123456789abcdef/members");
        try (InflightBudget.Reservation held = gate.reserve(cap, headers)) {
            Object outcome = authenticator.authenticate(r, body.length, Digests.sha256(body));
            gate.admitIdentity(id.endpoint(), headers);
            return outcome;
        }
    }
}
