package dev.keyroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.EndpointId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryNonceStoreTest {
    static final EndpointId KEY = new EndpointId("0123456789abcdef0123456789abcdef");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration RETENTION = Duration.ofSeconds(60);

    @Test
    void claim_pastCapacity_evictsOldestAndStaysBounded() {
        InMemoryNonceStore s = new InMemoryNonceStore(100);
        for (int i = 0; i < 1000; i++) {
            assertThat(s.claim(KEY, "nonce-" + i + "-padding-xx", T0, RETENTION))
                    .isEqualTo(NonceStore.Claim.ACCEPTED);
        }
        assertThat(s.size()).isEqualTo(100);
        assertThat(s.evictedEarly()).isEqualTo(900);
        // The newest claims are still remembered.
        assertThat(s.claim(KEY, "nonce-999-padding-xx", T0, RETENTION)).isEqualTo(NonceStore.Claim.REPLAYED);
    }

    @Test
    void claim_afterExpiry_prunesExpiredEntries() {
        InMemoryNonceStore s = new InMemoryNonceStore(1000);
        for (int i = 0; i < 50; i++) {
            s.claim(KEY, "nonce-" + i + "-padding-xx", T0, RETENTION);
        }
        s.claim(KEY, "later-nonce-padding-xx", T0.plusSeconds(61), RETENTION);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.evictedEarly()).isZero();
    }

    @Test
    void remembered_thenRestoredIntoANewStore_refusesTheSameClaims_andDropsExpiredOnes() {
        InMemoryNonceStore before = new InMemoryNonceStore(1000);
        before.claim(KEY, "early-nonce-padding-xx", T0, RETENTION);
        before.claim(KEY, "late-nonce-padding-xxx", T0.plusSeconds(30), RETENTION);
        var saved = before.remembered(T0.plusSeconds(40));
        assertThat(saved).hasSize(2);

        InMemoryNonceStore after = new InMemoryNonceStore(1000);
        after.restore(saved, T0.plusSeconds(70));
        // The early claim expired at T0 + 60 and is dropped; the late one is still refused.
        assertThat(after.size()).isEqualTo(1);
        assertThat(after.claim(KEY, "late-nonce-padding-xxx", T0.plusSeconds(70), RETENTION))
                .isEqualTo(NonceStore.Claim.REPLAYED);
        assertThat(after.claim(KEY, "early-nonce-padding-xx", T0.plusSeconds(70), RETENTION))
                .isEqualTo(NonceStore.Claim.ACCEPTED);
        // Restored claims keep their expiry order ahead of new ones: pruning still pops from the head.
        after.claim(KEY, "third-nonce-padding-xx", T0.plusSeconds(95), RETENTION);
        assertThat(after.claim(KEY, "late-nonce-padding-xxx", T0.plusSeconds(95), RETENTION))
                .isEqualTo(NonceStore.Claim.ACCEPTED);
    }

    @Test
    void restore_afterAClaim_isRefused() {
        InMemoryNonceStore s = new InMemoryNonceStore(10);
        s.claim(KEY, "first-nonce-padding-xx", T0, RETENTION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.restore(java.util.List.of(), T0))
                .isInstanceOf(IllegalStateException.class);
    }
}
