package dev.keyroom.protocol.signature;

import java.util.Locale;

/** The {@code @authority} component: host and port, lowercase, default port left out (RFC 9421 2.2.3). */
public final class Authority {
    private Authority() {}

    public static String normalize(String scheme, String authority) {
        if (authority == null) {
            return "";
        }
        String a = authority.trim().toLowerCase(Locale.ROOT);
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (s.equals("https") && a.endsWith(":443")) {
            return a.substring(0, a.length() - 4);
        }
        if (s.equals("http") && a.endsWith(":80")) {
            return a.substring(0, a.length() - 3);
        }
        return a;
    }
}
