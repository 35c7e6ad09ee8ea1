package dev.keyroom.gateway;

import dev.keyroom.core.crypto.SecretBytes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values the gateway unsealed as a room member (GW-3), by room, name and version. Held
 * only here: never logged, never in a {@link Policy}, an audit entry or an error. A version no live
 * grant needs any more is wiped and dropped.
 */
final class Credentials implements AutoCloseable {
    /** Which value: a room's secret at one version. */
    record Key(String room, String secret, long version) {
        static Key of(LiveGrant g) {
            return new Key(g.doc().room(), g.doc().secret(), g.secretVersion());
        }
    }

    private final Map<Key, SecretBytes> values = new ConcurrentHashMap<>();

    Optional<SecretBytes> get(Key key) {
        return Optional.ofNullable(values.get(key));
    }

    boolean has(Key key) {
        return values.containsKey(key);
    }

    void put(Key key, SecretBytes value) {
        SecretBytes old = values.put(key, value);
        if (old != null && old != value) {
            old.close();
        }
    }

    /** Drops (and wipes) every value not in {@code needed}. */
    void retainOnly(java.util.Set<Key> needed) {
        values.entrySet().removeIf(e -> {
            if (needed.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    @Override
    public void close() {
        retainOnly(java.util.Set.of());
    }
}
