package dev.keyroom.core.auth;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.NonceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
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
