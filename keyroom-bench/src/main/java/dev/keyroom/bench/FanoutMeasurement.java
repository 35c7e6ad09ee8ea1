package dev.keyroom.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * How a fan-out run is driven and measured, the same for every {@link FanoutSide}: the publisher
 * sends as fast as a window allows, or at a fixed rate; the run ends when every subscriber has
 * every message, and its deliveries a second and latency percentiles are printed and returned.
 */
final class FanoutMeasurement {
    private FanoutMeasurement() {}

    record Result(double deliveriesPerSecond, double p50, double p99) {}

    /** As fast as the window allows: at most {@link FanoutLoad#WINDOW} messages ahead of the slowest subscriber. */
    static Result throughput(FanoutSide side, int count, String label) throws Exception {
        long[] allowed = {0};
        return drive(
                side,
                count,
                (i, start) -> {
                    while (i >= allowed[0]) {
                        allowed[0] = side.slowest() + FanoutLoad.WINDOW;
                        if (i >= allowed[0]) {
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    return System.nanoTime();
                },
                label,
                "%d messages x %d subscribers".formatted(count, FanoutLoad.SUBSCRIBERS));
    }

    /** At {@link FanoutLoad#LATENCY_PUBLISHES_PER_SECOND}, latency counted from when each message was due. */
    static Result paced(FanoutSide side, int count) throws Exception {
        long interval = 1_000_000_000L / FanoutLoad.LATENCY_PUBLISHES_PER_SECOND;
        return drive(
                side,
                count,
                (i, start) -> {
                    long due = start + i * interval;
                    while (due - System.nanoTime() > 0) {
                        LockSupport.parkNanos(50_000);
                    }
                    // A publisher held up counts against the latency.
                    return due;
                },
                "latency",
                "paced at %d deliveries/s".formatted(FanoutLoad.LATENCY_PUBLISHES_PER_SECOND * FanoutLoad.SUBSCRIBERS));
    }

    /** When message {@code i} may go; returns the time its latency counts from. */
    interface Pace {
        long await(int i, long start);
    }

    static Result drive(FanoutSide side, int count, Pace pace, String label, String shape) throws Exception {
        side.reset(count);
        side.recording = true;
        int first = side.cursor;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            side.sentAt.set(first + i, pace.await(i, start));
            side.send(first + i);
        }
        awaitAll(side, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        side.recording = false;
        side.advance(count);
        Result r = summarise(side, count * (double) FanoutLoad.SUBSCRIBERS / seconds);
        System.out.printf(
                "  %-8s %-10s %9.0f deliveries/s  p50 %6.2f ms  p99 %7.2f ms  (%s, %d room(s))%n",
                side.name, label, r.deliveriesPerSecond(), r.p50(), r.p99(), shape, side.rooms);
        return r;
    }

    static void awaitAll(FanoutSide side, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (side.slowest() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(side.name + ": only " + side.slowest() + " of " + count
                        + " messages reached every subscriber within 60 s");
            }
            Thread.sleep(1);
        }
    }

    static Result summarise(FanoutSide side, double rate) {
        long[] all = IntStream.range(0, FanoutLoad.SUBSCRIBERS)
                .mapToObj(s -> Arrays.copyOf(side.latencies[s], side.latencyCount[s]))
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        return new Result(rate, percentile(all, 0.50), percentile(all, 0.99));
    }

    static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }
}
