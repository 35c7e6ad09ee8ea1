package dev.keyroom.server.config;

import java.util.Locale;

/**
 * How strictly requests are authenticated (AUTH-5): {@code enforce} refuses any failure; {@code
 * soft} verifies, logs each failure and lets the request through as the identity it claims; {@code
 * off} checks nothing and is refused on a non-loopback listen address.
 */
public enum AuthMode {
    ENFORCE,
    SOFT,
    OFF;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthMode parse(String value) {
        for (AuthMode m : values()) {
            if (m.wireName().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("auth_mode must be one of enforce, soft, off");
    }
}
