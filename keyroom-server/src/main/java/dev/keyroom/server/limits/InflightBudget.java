package dev.keyroom.server.limits;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-flight byte budget (DOS-2): bytes of request bodies that requests in flight may hold,
 * overall and per client. A request reserves what its body declares before a byte of it is read
 * (an undeclared, chunked body grows its reservation as it arrives) and releases it when it ends,
 * however it ends. Each reservation is charged to its clients too (the address it came from and
 * the identity that signed it), and no client holds more than {@code perClient}, so a few clients
 * cannot hold the whole budget. A reservation that does not fit is refused at once: nothing waits,
 * so no thread is ever parked here.
 */
public final class InflightBudget {
    private final long capacity;
    private final long perClient;
    private final AtomicLong used = new AtomicLong();
    private final Map<String, Long> held = new ConcurrentHashMap<>();

    public InflightBudget(long capacity, long perClient) {
        if (capacity <= 0 || perClient <= 0 || perClient > capacity) {
            throw new IllegalArgumentException(
                    "the budget and each client's share must be positive, the share" + " at most the budget");
        }
        this.capacity = capacity;
        this.perClient = perClient;
    }

    /** Why a reservation did not fit. */
    public enum Shortfall {
        /** The whole budget is held. */
        OVERALL,
        /** This client holds its share already. */
        CLIENT
    }

    /**
     * Reserves {@code bytes} charged to each of {@code clients} (keys such as {@code addr:...} and
     * {@code id:...}), or says which bound it would cross.
     */
    public Result tryReserve(long bytes, List<String> clients) {
        Optional<Shortfall> shortfall = take(bytes, clients);
        return shortfall.isPresent()
                ? new Result.Refused(shortfall.get())
                : new Result.Reserved(new Reservation(bytes, List.copyOf(clients)));
    }

    /** The outcome of a reservation. */
    public sealed interface Result {
        record Reserved(Reservation reservation) implements Result {}

        record Refused(Shortfall shortfall) implements Result {}
    }

    private Optional<Shortfall> take(long bytes, List<String> clients) {
        if (bytes == 0) {
            return Optional.empty();
        }
        while (true) {
            long now = used.get();
            if (now + bytes > capacity) {
                return Optional.of(Shortfall.OVERALL);
            }
            if (used.compareAndSet(now, now + bytes)) {
                break;
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            if (!takeFor(clients.get(i), bytes)) {
                for (int j = 0; j < i; j++) {
                    give(clients.get(j), bytes);
                }
                used.addAndGet(-bytes);
                return Optional.of(Shortfall.CLIENT);
            }
        }
        return Optional.empty();
    }

    private boolean takeFor(String client, long bytes) {
        boolean[] fits = {false};
        held.compute(client, (k, v) -> {
            long now = v == null ? 0 : v;
            if (now + bytes > perClient) {
                return v;
            }
            fits[0] = true;
            return now + bytes;
        });
        return fits[0];
    }

    private void give(String client, long bytes) {
        held.computeIfPresent(client, (k, v) -> v - bytes <= 0 ? null : v - bytes);
    }

    private void release(long bytes, List<String> clients) {
        if (bytes == 0) {
            return;
        }
        for (String c : clients) {
            give(c, bytes);
        }
        used.addAndGet(-bytes);
    }

    /** Bytes reserved by requests in flight. */
    public long used() {
        return used.get();
    }

    /** Bytes reserved by requests in flight charged to {@code client}. */
    public long heldBy(String client) {
        return held.getOrDefault(client, 0L);
    }

    public long capacity() {
        return capacity;
    }

    /** A held part of the budget; closing it returns the bytes, once. */
    public final class Reservation implements AutoCloseable {
        private final List<String> clients;
        private long bytes;
        private boolean released;

        private Reservation(long bytes, List<String> clients) {
            this.bytes = bytes;
            this.clients = clients;
        }

        /** Reserves {@code more} bytes on top, for a body longer than was reserved; empty when they fit. */
        public synchronized Optional<Shortfall> tryGrow(long more) {
            if (released) {
                throw new IllegalStateException("the reservation was released");
            }
            Optional<Shortfall> shortfall = take(more, clients);
            if (shortfall.isEmpty()) {
                bytes += more;
            }
            return shortfall;
        }

        /** Bytes held now. */
        public synchronized long bytes() {
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                release(bytes, clients);
            }
        }
    }
}
