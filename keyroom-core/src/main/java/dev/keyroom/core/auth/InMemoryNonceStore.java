package dev.keyroom.core.auth;

import dev.keyroom.core.identity.EndpointId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single-node {@link NonceStore}: bounded memory (AUTH-3).
 *
 * <p>Claims live in a map for lookup and in a queue in claim order. Because every claim of one
 * store uses the same retention, the queue is also in expiry order, so pruning pops expired
 * entries off its head: cheap and amortised over claims. When {@code capacity} live claims are
 * held, the oldest is forgotten first; it is the one closest to leaving the replay window anyway,
 * and {@link #evictedEarly()} counts such evictions so that an operator can raise the capacity.
 *
 * <p>Only authenticated requests reach the store (AUTH-4), so filling it takes valid signatures.
 */
public final class InMemoryNonceStore implements NonceStore {
    private record Entry(String key, long expiresAtMillis) {}

    private final int capacity;
    private final Map<String, Entry> live = new HashMap<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long evictedEarly;

    public InMemoryNonceStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public Claim claim(EndpointId keyid, String nonce, Instant now, Duration retention) {
        String key = keyid.value() + ':' + nonce;
        long nowMillis = now.toEpochMilli();
        lock.lock();
        try {
            pruneExpired(nowMillis);
            Entry existing = live.get(key);
            if (existing != null) {
                return Claim.REPLAYED;
            }
            if (live.size() >= capacity) {
                Entry oldest = order.pollFirst();
                if (oldest != null) {
                    live.remove(oldest.key(), oldest);
                    evictedEarly++;
                }
            }
            Entry entry = new Entry(key, nowMillis + retention.toMillis());
            live.put(key, entry);
            order.addLast(entry);
            return Claim.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    private void pruneExpired(long nowMillis) {
        Entry head;
        while ((head = order.peekFirst()) != null && head.expiresAtMillis() <= nowMillis) {
            order.pollFirst();
            live.remove(head.key(), head);
        }
    }

    /** A claim as it can be saved and restored: the key and nonce, and when it may be forgotten. */
    public record Remembered(String key, long expiresAtMillis) {
        public Remembered {
            if (key.isEmpty() || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("a remembered claim's key is printable ASCII without spaces");
            }
        }
    }

    /** The claims still remembered at {@code now}, oldest first: what a clean stop saves (AUTH-3). */
    public List<Remembered> remembered(Instant now) {
        lock.lock();
        try {
            pruneExpired(now.toEpochMilli());
            List<Remembered> out = new ArrayList<>(order.size());
            for (Entry e : order) {
                out.add(new Remembered(e.key(), e.expiresAtMillis()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back claims saved by {@link #remembered} before this store served anything, so a replay
     * across a clean restart is refused (AUTH-3). Those already expired at {@code now} are dropped.
     */
    public void restore(List<Remembered> saved, Instant now) {
        long nowMillis = now.toEpochMilli();
        List<Remembered> valid = saved.stream()
                .filter(r -> r.expiresAtMillis() > nowMillis)
                .sorted(java.util.Comparator.comparingLong(Remembered::expiresAtMillis))
                .toList();
        lock.lock();
        try {
            if (!order.isEmpty()) {
                throw new IllegalStateException("claims are restored before the first claim");
            }
            int from = Math.max(0, valid.size() - capacity);
            for (Remembered r : valid.subList(from, valid.size())) {
                Entry entry = new Entry(r.key(), r.expiresAtMillis());
                if (live.put(r.key(), entry) == null) {
                    order.addLast(entry);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many claims are remembered now. */
    public int size() {
        lock.lock();
        try {
            return live.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many claims were forgotten before they expired because the store was full. */
    public long evictedEarly() {
        lock.lock();
        try {
            return evictedEarly;
        } finally {
            lock.unlock();
        }
    }
}
