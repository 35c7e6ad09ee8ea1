package dev.keyroom.core.identity;

import java.util.Locale;

/** Whether a user may act. Only {@link #ACTIVE} users pass authentication. */
public enum UserStatus {
    ACTIVE,
    REVOKED,
    LOCKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserStatus parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
