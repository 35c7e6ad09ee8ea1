package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.protocol.grant.GrantDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-grant rate (GCRA) and daily budget, on a real SQLite file and a clock the test moves. */
class GrantMeterTest {
    @TempDir
    Path tmp;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));

    private static LiveGrant grant(int rate, long budget) {
        GrantDocument d = new GrantDocument(
                1,
                "0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef",
                "fedcba9876543210fedcba9876543210",
                "api-key",
                new GrantDocument.Upstream("https", "api.example.com", 443),
                List.of("GET"),
                List.of("/"),
                new GrantDocument.Injection("header", "Authorization", "Bearer {value}"),
                rate,
                budget,
                "2026-12-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
                null,
                null,
                null);
        return new LiveGrant(d, 1);
    }

    @Test
    void theRateAdmitsItsBurst_thenOneCallPerInterval_andNeverTwiceTheRateAtAMinutesEdge() throws Exception {
        now.set(Instant.parse("2026-12-03T10:00:59.500Z"));
        try (GatewayDb db = new GatewayDb(tmp.resolve("state.db"));
                GrantMeter m = new GrantMeter(db, now::get)) {
            LiveGrant g = grant(2, 1000);
            assertThat(m.take(g).admitted()).isTrue();
            assertThat(m.take(g).admitted()).isTrue();
            GrantMeter.Decision refused = m.take(g);
            assertThat(refused.admitted()).isFalse();
            assertThat(refused.exhausted()).isEqualTo("rate");
            assertThat(refused.resetSeconds()).isBetween(1L, 30L);
            // Past the minute's edge a fixed window would admit two more at once; the GCRA admits none yet.
            now.set(now.get().plusSeconds(1));
            assertThat(m.take(g).admitted()).isFalse();
            now.set(now.get().plusSeconds(30));
            assertThat(m.take(g).admitted()).isTrue();
            assertThat(m.take(g).admitted()).isFalse();
        }
    }

    @Test
    void theHighestRate_works() throws Exception {
        try (GatewayDb db = new GatewayDb(tmp.resolve("state.db"));
                GrantMeter m = new GrantMeter(db, now::get)) {
            LiveGrant g = grant(GrantDocument.MAX_RATE_PER_MINUTE, GrantDocument.MAX_BUDGET_PER_DAY);
            for (int i = 0; i < 1000; i++) {
                assertThat(m.take(g).admitted()).isTrue();
            }
        }
    }

    @Test
    void countsReachTheDatabaseWithinAFlushInterval_withoutAStop() throws Exception {
        LiveGrant g = grant(100, 3);
        try (GatewayDb db = new GatewayDb(tmp.resolve("state.db"));
                GrantMeter m = new GrantMeter(db, now::get)) {
            m.take(g);
            m.take(g);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> db.meter(g.id()).dayCount() == 2);
        }
    }

    @Test
    void theBudget_holdsForTheUtcDay_acrossAReopenedDatabase() throws Exception {
        LiveGrant g = grant(100, 3);
        try (GatewayDb db = new GatewayDb(tmp.resolve("state.db"));
                GrantMeter m = new GrantMeter(db, now::get)) {
            for (int i = 0; i < 3; i++) {
                assertThat(m.take(g).admitted()).isTrue();
                now.set(now.get().plus(Duration.ofMinutes(1)));
            }
        }
        try (GatewayDb db = new GatewayDb(tmp.resolve("state.db"));
                GrantMeter m = new GrantMeter(db, now::get)) {
            GrantMeter.Decision d = m.take(g);
            assertThat(d.admitted()).isFalse();
            assertThat(d.exhausted()).isEqualTo("budget");
            now.set(Instant.parse("2026-12-04T00:00:01Z"));
            assertThat(m.take(g).admitted()).isTrue();
        }
    }
}
