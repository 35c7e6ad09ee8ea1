package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.limits.Bans} and {@link dev.keyroom.core.vault.Breaches} must do (DOS-7). */
public abstract class BansContract extends StoreContract {
    @Test
    void bans_areDurable_replaceable_andExpire() throws Exception {
        java.time.Instant now = Fixtures.T0;
        store.bans().put(new dev.keyroom.core.limits.Ban("addr:192.0.2.7", now.plusSeconds(60), "rate limit"));
        store.bans().put(new dev.keyroom.core.limits.Ban("addr:192.0.2.8", now.minusSeconds(1), "old"));
        store = reopen(store);
        assertThat(store.bans().active(now))
                .extracting(dev.keyroom.core.limits.Ban::subject)
                .containsExactly("addr:192.0.2.7");
        store.bans().put(new dev.keyroom.core.limits.Ban("addr:192.0.2.7", now.plusSeconds(600), "again"));
        assertThat(store.bans().active(now).getFirst().until()).isEqualTo(now.plusSeconds(600));
        assertThat(store.bans().active(now.plusSeconds(601))).isEmpty();
        assertThat(store.bans().delete("addr:192.0.2.7")).isTrue();
        assertThat(store.bans().delete("addr:192.0.2.7")).isFalse();
        assertThat(store.bans().active(now)).isEmpty();
    }

    @Test
    void breaches_areCountedWithinTheWindow_andSurviveReopen() throws Exception {
        EndpointId agent = Fixtures.user("bot", Role.AGENT).endpoint();
        assertThat(store.breaches().record(agent, Fixtures.T0, Fixtures.T0.minusSeconds(7200)))
                .isEqualTo(1);
        store = reopen(store);
        java.time.Instant later = Fixtures.T0.plusSeconds(3600);
        assertThat(store.breaches().record(agent, later, later.minusSeconds(7200)))
                .isEqualTo(2);
        java.time.Instant muchLater = Fixtures.T0.plusSeconds(5 * 3600);
        assertThat(store.breaches().record(agent, muchLater, muchLater.minusSeconds(7200)))
                .isEqualTo(1);
    }
}
