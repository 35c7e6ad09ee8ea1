package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.time.Instant;

/**
 * Per-grant rate and budget, counted in the gateway's database so that they hold across restarts
 * (GW-8). The rate is a generic cell rate (GCRA): {@code rate_per_minute} calls spread over the
 * minute with a burst of the whole rate, its state the theoretical arrival time of the next call, so
 * there is no window edge at which twice the rate gets through. The budget counts calls of the UTC
 * day. A refused call is not counted.
 */
final class GrantMeter {
    /** The outcome for one call: admitted or not, and what the RateLimit headers say. */
    record Decision(boolean admitted, String exhausted, long limit, long remaining, long resetSeconds) {}

    private final GatewayDb db;
    private final Clock clock;

    GrantMeter(GatewayDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Decision take(LiveGrant grant) {
        Instant now = clock.now();
        // Microseconds: at the highest rate, 100 000 a minute, a call is due every 600.
        long nowUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long day = now.getEpochSecond() / 86_400;
        int rate = grant.doc().ratePerMinute();
        long budget = grant.doc().budgetPerDay();
        long interval = 60_000_000L / rate;
        long tolerance = interval * (rate - 1);
        return db.meter(grant.id(), day, (r, d) -> {
            long toDayEnd = (day + 1) * 86_400 - now.getEpochSecond();
            long tat = Math.max(r.windowStart(), nowUs);
            if (d.count() >= budget) {
                return new GatewayDb.Meter.Outcome<>(new Decision(false, "budget", budget, 0, toDayEnd), false, 0);
            }
            if (tat - nowUs > tolerance) {
                long wait = (tat - tolerance - nowUs + 999_999) / 1_000_000;
                return new GatewayDb.Meter.Outcome<>(new Decision(false, "rate", rate, 0, wait), false, 0);
            }
            long next = tat + interval;
            long minuteLeft = Math.max(0, Math.floorDiv(tolerance - (next - nowUs), interval) + 1);
            minuteLeft = Math.min(minuteLeft, rate);
            long dayLeft = budget - d.count() - 1;
            long refill = Math.max(0, (next - nowUs + 999_999) / 1_000_000);
            Decision ok = minuteLeft <= dayLeft
                    ? new Decision(true, "", rate, minuteLeft, refill)
                    : new Decision(true, "", budget, dayLeft, toDayEnd);
            return new GatewayDb.Meter.Outcome<>(ok, true, next);
        });
    }
}
