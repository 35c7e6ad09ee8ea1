package dev.keyroom.testkit;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import java.security.SecureRandom;
import java.time.Instant;

/** Small factories for domain values in tests. */
public final class Fixtures {
    public static final SecureRandom RANDOM = new SecureRandom();
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {}

    public static User user(String name, Role role) {
        try (Identity id = Identity.generate(RANDOM)) {
            return new User(id.endpoint(), name, role, UserStatus.ACTIVE, id.signPub(), id.kexPub(), T0);
        }
    }

    public static Room room(EndpointId owner) {
        return new Room(RoomId.random(RANDOM), "room", RoomPolicy.ENCRYPTED, 1, owner, T0, false);
    }

    public static Member member(EndpointId endpoint, RoomRole role) {
        return new Member(endpoint, role, T0);
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Asserts that {@code r} fails with a {@link dev.keyroom.core.error.KeyroomException} of {@code code}. */
    public static void assertCode(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable r, dev.keyroom.core.error.ErrorCode code) {
        org.assertj.core.api.Assertions.assertThatThrownBy(r)
                .isInstanceOf(dev.keyroom.core.error.KeyroomException.class)
                .extracting(e -> ((dev.keyroom.core.error.KeyroomException) e).code())
                .isEqualTo(code);
    }
}
