package dev.keyroom.server.console;

import dev.keyroom.core.port.Clock;
import dev.keyroom.server.web.RequestOutcomes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last hour of what the overview charts, sampled every {@link #EVERY} from the node's meters:
 * the control plane's answers per second by outcome ({@link RequestOutcomes}), the in-flight budget
 * in use and its capacity, the data-plane sessions, and on a primary that feeds a backup the age of
 * the oldest change the backup has not acknowledged. Kept in memory, {@link #KEPT} samples; a
 * restart starts it afresh.
 */
final class MetricHistory {
    static final Duration EVERY = Duration.ofSeconds(10);
    static final int KEPT = (int) (Duration.ofHours(1).toSeconds() / EVERY.toSeconds());

    /**
     * One sample: answers per second by outcome since the sample before, then gauges as read;
     * {@code lagSeconds} is null where no backup is fed.
     */
    record Point(
            String t,
            double ok,
            double denied,
            double limited,
            double invalid,
            double error,
            double inflightBytes,
            double inflightCapacity,
            double busSessions,
            Double lagSeconds) {}

    private final MeterRegistry metrics;
    private final Clock clock;
    private final ArrayDeque<Point> points = new ArrayDeque<>();
    private double[] lastCounts;
    private long lastNanos;

    MetricHistory(MeterRegistry metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.lastCounts = counts();
        this.lastNanos = System.nanoTime();
    }

    /** Takes a sample (every {@link #EVERY}). */
    synchronized void sample() {
        long now = System.nanoTime();
        double[] counts = counts();
        points.addLast(point(counts, now));
        while (points.size() > KEPT) {
            points.removeFirst();
        }
        lastCounts = counts;
        lastNanos = now;
    }

    /** The samples of the last hour, oldest first, and one more for the time since the last sample. */
    synchronized List<Point> lastHour() {
        List<Point> out = new ArrayList<>(points);
        out.add(point(counts(), System.nanoTime()));
        return out;
    }

    private Point point(double[] counts, long nanos) {
        double seconds = Math.max(0.001, (nanos - lastNanos) / 1e9);
        double[] rate = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            rate[i] = Math.max(0, counts[i] - lastCounts[i]) / seconds;
        }
        Gauge lag = metrics.find("keyroom.replication.lag.seconds").gauge();
        return new Point(
                DateTimeFormatter.ISO_INSTANT.format(clock.now()),
                rate[0],
                rate[1],
                rate[2],
                rate[3],
                rate[4],
                gauge("keyroom.inflight.bytes"),
                gauge("keyroom.inflight.capacity.bytes"),
                gauge("keyroom.bus.sessions"),
                lag == null ? null : lag.value());
    }

    private double[] counts() {
        RequestOutcomes.Outcome[] outcomes = RequestOutcomes.Outcome.values();
        double[] out = new double[outcomes.length];
        for (RequestOutcomes.Outcome o : outcomes) {
            Counter c =
                    metrics.find(RequestOutcomes.METER).tag("outcome", o.tag()).counter();
            out[o.ordinal()] = c == null ? 0 : c.count();
        }
        return out;
    }

    private double gauge(String name) {
        Gauge g = metrics.find(name).gauge();
        return g == null ? 0 : g.value();
    }
}
