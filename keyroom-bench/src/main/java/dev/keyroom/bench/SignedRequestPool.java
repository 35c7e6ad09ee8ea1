package dev.keyroom.bench;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.store.sqlite.SqliteStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * What the authentication benchmarks share: one user in a real SQLite store, the authenticator over
 * it, and {@link #POOL} requests signed ahead, each a POST with a 200-byte JSON body so that the
 * digest step hashes a realistic body. The clock stands at {@link #NOW}.
 */
final class SignedRequestPool implements AutoCloseable {
    static final int POOL = 8192;
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    static final Clock CLOCK = () -> NOW;
    static final String PATH = "/v1/rooms/0123456789abcdef0123456789abcdef/members";

    final Path dir;
    final SqliteStore store;
    final Identity id;
    final RequestAuthenticator authenticator;
    final byte[] body;
    final OutgoingRequest[] requests = new OutgoingRequest[POOL];
    private int next;

    SignedRequestPool() throws IOException {
        SecureRandom random = new SecureRandom();
        dir = ScratchDir.create("keyroom-bench-");
        store = SqliteStore.open(dir.resolve("bench.db"));
        id = Identity.generate(random);
        store.users()
                .create(new User(
                        id.endpoint(), "bench", Role.MEMBER, UserStatus.ACTIVE, id.signPub(), id.kexPub(), NOW));
        authenticator = new RequestAuthenticator(
                new UserDirectory(store.users()),
                new InMemoryNonceStore(1_000_000),
                CLOCK,
                Duration.ofSeconds(30),
                dev.keyroom.server.auth.Authorities.configured(java.util.List.of("keyroom.example.com:8443"), "https"),
                java.util.Optional::empty);
        RequestSigner signer = new RequestSigner(id, CLOCK, random);
        URI uri = URI.create("https://keyroom.example.com:8443" + PATH);
        body = ("{\"endpoint\":\"0123456789abcdef0123456789abcdef\",\"role\":\"member\",\"sealed_key\":\""
                        + "A".repeat(107) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < POOL; i++) {
            requests[i] = new OutgoingRequest("POST", uri, signer.sign("POST", uri, body));
        }
    }

    /** The next request of the pool, round and round. */
    OutgoingRequest next() {
        return requests[next++ & (POOL - 1)];
    }

    @Override
    public void close() throws IOException {
        store.close();
        ScratchDir.delete(dir);
    }
}
