package dev.keyroom.core.identity;

import dev.keyroom.core.wire.WireNamed;
import java.util.Locale;

/** Whether a user may act. Only {@link #ACTIVE} users pass authentication. */
public enum UserStatus implements WireNamed {
    ACTIVE,
    REVOKED,
    LOCKED;

    public static UserStatus parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
