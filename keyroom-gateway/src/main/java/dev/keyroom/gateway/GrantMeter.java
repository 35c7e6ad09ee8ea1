package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.time.Instant;

/**
 * Per-grant rate (calls per minute) and budget (calls per UTC day), counted in the gateway's
 * database so that they hold across restarts (GW-8). A refused call is not counted.
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
        long seconds = now.getEpochSecond();
        long minute = seconds / 60;
        long day = seconds / 86_400;
        int rate = grant.doc().ratePerMinute();
        long budget = grant.doc().budgetPerDay();
        return db.meter(grant.id(), minute, day, new GatewayDb.Meter<>() {
            @Override
            public Decision decide(GatewayDb.Count m, GatewayDb.Count d) {
                long toMinuteEnd = (minute + 1) * 60 - seconds;
                long toDayEnd = (day + 1) * 86_400 - seconds;
                if (d.count() >= budget) {
                    return new Decision(false, "budget", budget, 0, toDayEnd);
                }
                if (m.count() >= rate) {
                    return new Decision(false, "rate", rate, 0, toMinuteEnd);
                }
                long minuteLeft = rate - m.count() - 1;
                long dayLeft = budget - d.count() - 1;
                return minuteLeft <= dayLeft
                        ? new Decision(true, "", rate, minuteLeft, toMinuteEnd)
                        : new Decision(true, "", budget, dayLeft, toDayEnd);
            }

            @Override
            public boolean admitted(Decision result) {
                return result.admitted();
            }
        });
    }
}
