package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-grant rate and budget (GW-8). The rate is a generic cell rate (GCRA): {@code rate_per_minute}
 * calls spread over the minute with a burst of the whole rate, its state the theoretical arrival time
 * of the next call, so there is no window edge at which twice the rate gets through. The budget
 * counts calls of the UTC day. A refused call is not counted.
 *
 * <p>Counted in memory on the call's own thread, read from the gateway's database the first time a
 * grant is used, and written back every {@link #FLUSH_EVERY} and when the gateway stops: a restart
 * resets nothing, and a killed process forgets at most the calls of its last flush interval.
 */
final class GrantMeter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GrantMeter.class);
    static final Duration FLUSH_EVERY = Duration.ofMillis(50);

    /** The outcome for one call: admitted or not, and what the RateLimit headers say. */
    record Decision(boolean admitted, String exhausted, long limit, long remaining, long resetSeconds) {}

    /** One grant's counters; guarded by itself. */
    private static final class State {
        long tat;
        long day;
        long dayCount;
        boolean dirty;
    }

    private final GatewayDb db;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    GrantMeter(GatewayDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyroom-gateway-meter");
            t.setDaemon(true);
            return t;
        });
        long every = FLUSH_EVERY.toMillis();
        flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    Decision take(LiveGrant grant) {
        State st = states.computeIfAbsent(grant.id(), this::load);
        Instant now = clock.now();
        // Microseconds: at the highest rate, 100 000 a minute, a call is due every 600.
        long nowUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long day = now.getEpochSecond() / 86_400;
        int rate = grant.doc().ratePerMinute();
        long budget = grant.doc().budgetPerDay();
        long interval = 60_000_000L / rate;
        long tolerance = interval * (rate - 1);
        long toDayEnd = (day + 1) * 86_400 - now.getEpochSecond();
        synchronized (st) {
            long dayCount = st.day == day ? st.dayCount : 0;
            if (dayCount >= budget) {
                return new Decision(false, "budget", budget, 0, toDayEnd);
            }
            long tat = Math.max(st.tat, nowUs);
            if (tat - nowUs > tolerance) {
                long wait = (tat - tolerance - nowUs + 999_999) / 1_000_000;
                return new Decision(false, "rate", rate, 0, wait);
            }
            long next = tat + interval;
            st.tat = next;
            st.day = day;
            st.dayCount = dayCount + 1;
            st.dirty = true;
            long minuteLeft = Math.min(rate, Math.max(0, Math.floorDiv(tolerance - (next - nowUs), interval) + 1));
            long dayLeft = budget - dayCount - 1;
            long refill = Math.max(0, (next - nowUs + 999_999) / 1_000_000);
            return minuteLeft <= dayLeft
                    ? new Decision(true, "", rate, minuteLeft, refill)
                    : new Decision(true, "", budget, dayLeft, toDayEnd);
        }
    }

    private State load(String grant) {
        GatewayDb.MeterRow row = db.meter(grant);
        State st = new State();
        st.tat = row.rateState();
        st.day = row.day();
        st.dayCount = row.dayCount();
        return st;
    }

    /** Writes every changed counter to the database. */
    void flush() {
        List<GatewayDb.MeterRow> rows = new ArrayList<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            State st = e.getValue();
            synchronized (st) {
                if (st.dirty) {
                    rows.add(new GatewayDb.MeterRow(e.getKey(), st.tat, st.day, st.dayCount));
                    st.dirty = false;
                }
            }
        }
        try {
            db.storeMeters(rows);
        } catch (RuntimeException e) {
            for (GatewayDb.MeterRow r : rows) {
                State st = states.get(r.grant());
                synchronized (st) {
                    st.dirty = true;
                }
            }
            throw e;
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.error("cannot store the grants' counters: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
