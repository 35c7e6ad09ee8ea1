package dev.keyroom.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One system under fan-out load: a publisher and {@link FanoutLoad#SUBSCRIBERS} subscribers
 * following every room. Subscribers count what they receive and, while a run records, the latency
 * from the send time of each message.
 */
abstract class FanoutSide implements AutoCloseable {
    final String name;
    final int rooms;
    final AtomicLongArray delivered = new AtomicLongArray(FanoutLoad.SUBSCRIBERS);
    AtomicLongArray sentAt;
    long[][] latencies;
    int[] latencyCount;
    volatile boolean recording;
    /** The first message of the next run (Keyroom's envelopes are used once each). */
    int cursor;

    FanoutSide(String name, int rooms) {
        this.name = name;
        this.rooms = rooms;
    }

    /** Sends message {@code i} (of the prepared sequence); may block for flow control. */
    abstract void send(int i) throws Exception;

    /** Called by subscriber {@code s}, one thread per subscriber, for message {@code i}. */
    final void received(int s, int i) {
        long now = System.nanoTime();
        if (recording && latencyCount[s] < latencies[s].length) {
            latencies[s][latencyCount[s]++] = now - sentAt.get(i);
        }
        delivered.incrementAndGet(s);
    }

    void advance(int count) {
        cursor += count;
    }

    long slowest() {
        long min = Long.MAX_VALUE;
        for (int s = 0; s < FanoutLoad.SUBSCRIBERS; s++) {
            min = Math.min(min, delivered.get(s));
        }
        return min;
    }

    void reset(int capacity) {
        for (int s = 0; s < FanoutLoad.SUBSCRIBERS; s++) {
            delivered.set(s, 0);
        }
        latencies = new long[FanoutLoad.SUBSCRIBERS][capacity];
        latencyCount = new int[FanoutLoad.SUBSCRIBERS];
    }
}
