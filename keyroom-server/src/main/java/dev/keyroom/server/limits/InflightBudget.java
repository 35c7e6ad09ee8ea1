package dev.keyroom.server.limits;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The global in-flight byte budget (DOS-2). A request with a body reserves its route's ceiling
 * before a byte of the body is read and releases it when it ends, however it ends. A reservation
 * that does not fit is refused at once: nothing waits, so no thread is ever parked here.
 */
public final class InflightBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public InflightBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("the budget must be positive");
        }
        this.capacity = capacity;
    }

    /** Reserves {@code bytes}, or returns empty when they do not fit now. */
    public Optional<Reservation> tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > capacity) {
                return Optional.empty();
            }
            if (used.compareAndSet(now, now + bytes)) {
                return Optional.of(new Reservation(bytes));
            }
        }
    }

    /** Bytes reserved by requests in flight. */
    public long used() {
        return used.get();
    }

    public long capacity() {
        return capacity;
    }

    /** A held part of the budget; closing it returns the bytes, once. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                used.addAndGet(-bytes);
            }
        }
    }
}
