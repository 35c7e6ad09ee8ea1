package dev.keyroom.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.Users;
import java.time.Duration;
import java.util.Optional;

/**
 * Users by endpoint for the authentication path, cached for at most one second (AUTH-8: no cache
 * may delay a revocation by more than that) and invalidated at once by revocations made on this
 * node. Unknown endpoints are cached too, so a flood of made-up key ids costs no store reads.
 * A store failure propagates: the request is refused, never let through.
 */
public final class UserDirectory {
    public static final Duration MAX_STALENESS = Duration.ofSeconds(1);

    private final Users store;
    private final Cache<EndpointId, Optional<User>> cache;

    public UserDirectory(Users store) {
        this.store = store;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(MAX_STALENESS)
                .maximumSize(100_000)
                .build();
    }

    public Optional<User> find(EndpointId endpoint) {
        return cache.get(endpoint, store::find);
    }

    public void invalidate(EndpointId endpoint) {
        cache.invalidate(endpoint);
    }
}
