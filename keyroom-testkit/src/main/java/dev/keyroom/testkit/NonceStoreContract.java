package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link NonceStore} must do (AUTH-3, AUTH-7). Extend it with a fresh store per test. */
public abstract class NonceStoreContract {
    protected static final Duration RETENTION = Duration.ofSeconds(60);

    protected abstract NonceStore newStore();

    private final EndpointId alice = Fixtures.user("alice", Role.MEMBER).endpoint();
    private final EndpointId bob = Fixtures.user("bob", Role.MEMBER).endpoint();

    @Test
    void claim_sameNonceTwice_rejectsSecond() {
        NonceStore s = newStore();
        assertThat(s.claim(alice, "nonce-0123456789ab", Fixtures.T0, RETENTION)).isEqualTo(NonceStore.Claim.ACCEPTED);
        assertThat(s.claim(alice, "nonce-0123456789ab", Fixtures.T0.plusSeconds(59), RETENTION))
                .isEqualTo(NonceStore.Claim.REPLAYED);
    }

    @Test
    void claim_sameNonceOtherKey_acceptsBoth() {
        NonceStore s = newStore();
        assertThat(s.claim(alice, "nonce-0123456789ab", Fixtures.T0, RETENTION)).isEqualTo(NonceStore.Claim.ACCEPTED);
        assertThat(s.claim(bob, "nonce-0123456789ab", Fixtures.T0, RETENTION)).isEqualTo(NonceStore.Claim.ACCEPTED);
    }

    @Test
    void claim_afterRetention_acceptsAgain() {
        NonceStore s = newStore();
        s.claim(alice, "nonce-0123456789ab", Fixtures.T0, RETENTION);
        assertThat(s.claim(
                        alice, "nonce-0123456789ab", Fixtures.T0.plus(RETENTION).plusSeconds(1), RETENTION))
                .isEqualTo(NonceStore.Claim.ACCEPTED);
    }

    @Test
    void claim_raceOnOneNonce_acceptsExactlyOnce() throws Exception {
        NonceStore s = newStore();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<NonceStore.Claim>> tasks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                tasks.add(() -> s.claim(alice, "racing-nonce-000001", Fixtures.T0, RETENTION));
            }
            long accepted = 0;
            for (Future<NonceStore.Claim> f : pool.invokeAll(tasks)) {
                if (f.get() instanceof NonceStore.Claim.Accepted) {
                    accepted++;
                }
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
