package dev.keyroom.core.identity;

import dev.keyroom.core.error.KeyroomException;
import java.time.Instant;
import java.util.Objects;

/** A registered identity of the allowlist. Public keys are raw 32-byte values. */
public record User(
        EndpointId endpoint,
        String name,
        Role role,
        UserStatus status,
        byte[] signPub,
        byte[] kexPub,
        Instant createdAt) {

    public static final int MAX_NAME_LENGTH = 128;

    public User {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        requireName(name);
        if (signPub == null || signPub.length != 32 || kexPub == null || kexPub.length != 32) {
            throw KeyroomException.badRequest("public keys must be 32 bytes");
        }
        if (!endpoint.matches(signPub)) {
            throw KeyroomException.badRequest("endpoint id does not match sign_pub");
        }
        signPub = signPub.clone();
        kexPub = kexPub.clone();
    }

    /** Names are 1 to 128 printable characters with no control characters. */
    public static void requireName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw KeyroomException.badRequest("name must be 1 to 128 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw KeyroomException.badRequest("name must not contain control characters");
            }
        }
    }

    @Override
    public byte[] signPub() {
        return signPub.clone();
    }

    @Override
    public byte[] kexPub() {
        return kexPub.clone();
    }

    public boolean isActive() {
        return status == UserStatus.ACTIVE;
    }

    public User withStatus(UserStatus newStatus) {
        return new User(endpoint, name, role, newStatus, signPub, kexPub, createdAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof User u
                && endpoint.equals(u.endpoint)
                && name.equals(u.name)
                && role == u.role
                && status == u.status
                && dev.keyroom.core.crypto.Digests.constantTimeEquals(signPub, u.signPub)
                && dev.keyroom.core.crypto.Digests.constantTimeEquals(kexPub, u.kexPub)
                && createdAt.equals(u.createdAt);
    }

    @Override
    public int hashCode() {
        return endpoint.hashCode();
    }

    @Override
    public String toString() {
        return "User[" + endpoint + ", " + role.wireName() + ", " + status.wireName() + "]";
    }
}
