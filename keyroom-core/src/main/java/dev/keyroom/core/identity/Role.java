package dev.keyroom.core.identity;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.wire.WireNamed;

/** A user's server-wide role. */
public enum Role implements WireNamed {
    ADMIN,
    MEMBER,
    AGENT;

    public static Role parse(String value) {
        return WireNamed.find(Role.class, value)
                .orElseThrow(() -> KeyroomException.badRequest("role must be one of " + WireNamed.choices(Role.class)));
    }
}
