package dev.keyroom.core.identity;

import dev.keyroom.core.error.KeyroomException;
import java.util.Locale;

/** A user's server-wide role. */
public enum Role {
    ADMIN,
    MEMBER,
    AGENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        throw KeyroomException.badRequest("role must be one of admin, member, agent");
    }
}
