package dev.keyroom.core.identity;

import java.util.List;
import java.util.Optional;

/** The allowlist of identities (AUTH-3, AUTH-8). The guarantees and errors of {@code Store} hold. */
public interface Users {
    /** Registers a user. CONFLICT if its endpoint is already registered. */
    void create(User user);

    Optional<User> find(EndpointId endpoint);

    /** All users, ordered by creation time then endpoint. */
    List<User> list();

    /** Sets a user's status; false when the user does not exist. */
    boolean setStatus(EndpointId endpoint, UserStatus status);
}
