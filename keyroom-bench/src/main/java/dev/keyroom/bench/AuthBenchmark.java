package dev.keyroom.bench;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureBase;
import dev.keyroom.protocol.signature.SignedRequest;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.store.sqlite.SqliteStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * One Ed25519 verify (BouncyCastle and, for comparison, the JDK) side by side with the whole
 * per-request authentication check: parse the signature fields, look the key up (through the
 * cache, over a real SQLite store), rebuild the base and verify, check the body digest, claim the
 * nonce. The requests are signed in setup, outside the measurement; each is a POST with a 200-byte
 * JSON body, so the digest step hashes a realistic body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthBenchmark {
    static final int POOL = 8192;
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    Path dir;
    SqliteStore store;
    RequestAuthenticator authenticator;
    InMemoryNonceStore nonces;
    Req[] requests;
    int next;
    byte[] base;
    byte[] pub;
    byte[] sig;
    PublicKey jdkKey;
    Signature jdkVerifier;

    /** A signed request with its body. */
    record Req(OutgoingRequest request, byte[] body) {}

    @Setup(Level.Trial)
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        dir = Files.createTempDirectory("keyroom-bench-");
        store = SqliteStore.open(dir.resolve("bench.db"));
        Identity id = Identity.generate(random);
        store.createUser(
                new User(id.endpoint(), "bench", Role.MEMBER, UserStatus.ACTIVE, id.signPub(), id.kexPub(), NOW));
        Clock clock = () -> NOW;
        nonces = new InMemoryNonceStore(1_000_000);
        authenticator =
                new RequestAuthenticator(new UserDirectory(store), nonces, clock, Duration.ofSeconds(30), Set.of());
        RequestSigner signer = new RequestSigner(id, clock, random);
        URI uri = URI.create("https://keyroom.example.com:8443/v1/rooms/0123456789abcdef0123456789abcdef/members");
        byte[] body = ("{\"endpoint\":\"0123456789abcdef0123456789abcdef\",\"role\":\"member\",\"sealed_key\":\""
                        + "A".repeat(107) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        requests = new Req[POOL];
        for (int i = 0; i < POOL; i++) {
            requests[i] = new Req(new OutgoingRequest("POST", uri, signer.sign("POST", uri, body)), body);
        }
        OutgoingRequest r0 = requests[0].request();
        SignedRequest sr = SignedRequest.parse(r0.headerValues("signature-input"), r0.headerValues("signature"), true);
        base = SignatureBase.build(sr.params(), r0);
        pub = id.signPub();
        sig = sr.signature();
        jdkKey = jdkPublicKey(pub);
        jdkVerifier = Signature.getInstance("Ed25519");
    }

    static PublicKey jdkPublicKey(byte[] raw) throws Exception {
        byte[] le = raw.clone();
        boolean xOdd = (le[31] & 0x80) != 0;
        le[31] &= 0x7f;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = le[31 - i];
        }
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new EdECPublicKeySpec(
                        NamedParameterSpec.ED25519, new EdECPoint(xOdd, new java.math.BigInteger(1, be))));
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
    public boolean ed25519VerifyBouncyCastle() {
        return Ed25519.verify(pub, base, sig);
    }

    @Benchmark
    public boolean ed25519VerifyJdk() throws Exception {
        jdkVerifier.initVerify(jdkKey);
        jdkVerifier.update(base);
        return jdkVerifier.verify(sig);
    }

    /**
     * The whole check. After the first pass over the pool the nonce step answers "replayed"; it
     * does the same work either way (the claim is the last step), so the cost is the same.
     */
    @Benchmark
    public Object wholeAuthCheck() {
        Req r = requests[next++ & (POOL - 1)];
        return authenticator.authenticate(
                r.request(), r.body().length, dev.keyroom.core.crypto.Digests.sha256(r.body()));
    }
}
