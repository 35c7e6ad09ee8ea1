package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One node at a time holds a lease; when it gives it up, or stops renewing it, another takes it. */
@Timeout(60)
class NatsLeaseTest {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @Test
    void oneHolderAtATime_andAnotherTakesOverWhenItGoes() throws Exception {
        NATS.reset();
        Duration term = Duration.ofSeconds(2);
        Duration t = Duration.ofSeconds(5);
        NatsLease a = NatsLease.start(NATS.connection, "LEASE_TEST", 1, "sender", "a", term, t);
        NatsLease b = NatsLease.start(NATS.connection, "LEASE_TEST", 1, "sender", "b", term, t);
        try {
            await().atMost(t).until(() -> a.getAsBoolean() || b.getAsBoolean());
            NatsLease holder = a.getAsBoolean() ? a : b;
            NatsLease other = holder == a ? b : a;
            // Over several terms, never both.
            long until = System.nanoTime() + term.multipliedBy(2).toNanos();
            while (System.nanoTime() < until) {
                assertThat(a.getAsBoolean() && b.getAsBoolean()).isFalse();
                assertThat(holder.getAsBoolean()).isTrue();
                Thread.sleep(50);
            }
            holder.close();
            await().atMost(term.multipliedBy(3)).until(other::getAsBoolean);
        } finally {
            a.close();
            b.close();
        }
    }
}
