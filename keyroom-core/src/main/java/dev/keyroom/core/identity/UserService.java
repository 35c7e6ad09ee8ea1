package dev.keyroom.core.identity;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.X25519Keys;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The allowlist: registering, listing, revoking and unlocking users. */
public final class UserService {
    private final Users store;
    private final Clock clock;
    private final StatusListener statusListener;

    /** Told about every registration and status change, so caches and live sessions follow at once (AUTH-8). */
    @FunctionalInterface
    public interface StatusListener {
        void statusChanged(EndpointId endpoint, UserStatus status);
    }

    public UserService(Users store, Clock clock, StatusListener statusListener) {
        this.store = store;
        this.clock = clock;
        this.statusListener = statusListener;
    }

    /** Registers a user (admin only). CONFLICT when the key is registered already. */
    public User register(User caller, byte[] signPub, byte[] kexPub, String name, Role role) {
        Access.requireAdmin(caller);
        return create(signPub, kexPub, name, role);
    }

    /**
     * Registers the first admin of an empty store (used by {@code keyroom init}); refuses when any
     * user exists, so it can never be used to add a second, unchecked admin.
     */
    public User bootstrapAdmin(byte[] signPub, byte[] kexPub, String name) {
        if (!store.list().isEmpty()) {
            throw KeyroomException.conflict("the store already has users");
        }
        return create(signPub, kexPub, name, Role.ADMIN);
    }

    private User create(byte[] signPub, byte[] kexPub, String name, Role role) {
        DisplayName.check("user", name);
        Ed25519.requireValidPublicKey(signPub);
        X25519Keys.requireValidPublicKey(kexPub);
        User user = new User(
                EndpointId.of(signPub),
                name,
                role,
                UserStatus.ACTIVE,
                signPub,
                kexPub,
                clock.now().truncatedTo(ChronoUnit.SECONDS));
        store.create(user);
        statusListener.statusChanged(user.endpoint(), UserStatus.ACTIVE);
        return user;
    }

    public List<User> list(User caller) {
        Access.requireAdmin(caller);
        return store.list();
    }

    /** Any active user may read another's public record, to seal keys to it. */
    public User get(User caller, EndpointId endpoint) {
        return store.find(endpoint).orElseThrow(KeyroomException::notFound);
    }

    /** Revokes a user; effective for its very next request. The last active admin stays. */
    public User revoke(User caller, EndpointId endpoint) {
        Access.requireAdmin(caller);
        User target = store.find(endpoint).orElseThrow(KeyroomException::notFound);
        if (target.status() == UserStatus.REVOKED) {
            return target;
        }
        if (target.role() == Role.ADMIN && target.isActive()) {
            long activeAdmins = store.list().stream()
                    .filter(u -> u.role() == Role.ADMIN && u.isActive())
                    .count();
            if (activeAdmins <= 1) {
                throw KeyroomException.conflict("cannot revoke the last active admin");
            }
        }
        store.setStatus(endpoint, UserStatus.REVOKED);
        statusListener.statusChanged(endpoint, UserStatus.REVOKED);
        return target.withStatus(UserStatus.REVOKED);
    }

    /** Locks an active user (the vault's harvesting defence); it stays locked across restarts until unlocked. */
    public void lock(EndpointId endpoint) {
        User target = store.find(endpoint).orElseThrow(KeyroomException::notFound);
        if (target.status() == UserStatus.ACTIVE) {
            store.setStatus(endpoint, UserStatus.LOCKED);
            statusListener.statusChanged(endpoint, UserStatus.LOCKED);
        }
    }

    /** Lifts a lockout. A revoked user stays revoked. */
    public User unlock(User caller, EndpointId endpoint) {
        Access.requireAdmin(caller);
        User target = store.find(endpoint).orElseThrow(KeyroomException::notFound);
        if (target.status() == UserStatus.REVOKED) {
            throw KeyroomException.conflict("a revoked user cannot be unlocked");
        }
        if (target.status() == UserStatus.LOCKED) {
            store.setStatus(endpoint, UserStatus.ACTIVE);
            statusListener.statusChanged(endpoint, UserStatus.ACTIVE);
        }
        return target.withStatus(UserStatus.ACTIVE);
    }
}
