package dev.keyroom.server.config;

import dev.keyroom.core.wire.WireNamed;

/**
 * How strictly requests are authenticated (AUTH-5): {@code enforce} refuses any failure; {@code
 * soft} verifies, logs each failure and lets the request through as the identity it claims; {@code
 * off} checks nothing and is refused on a non-loopback listen address.
 */
public enum AuthMode implements WireNamed {
    ENFORCE,
    SOFT,
    OFF;
}
