package dev.keyroom.gateway;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * How the agent's request is shaped before it goes upstream (GW-1): the hop's headers and any
 * header or query parameter of the injected name dropped (the agent cannot choose or add to the
 * credential), {@code Accept-Encoding: identity} so that an echo comes back in plain bytes, and the
 * credential added.
 */
final class Shaping {
    private Shaping() {}

    /** Headers of the hop, never forwarded either way. */
    static final Set<String> HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authorization",
            "proxy-authenticate",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "accept-encoding");

    /**
     * Request headers that would make the upstream do something other than what the gateway checked:
     * run another method (method overrides), serve another path (URL rewrites), believe another client
     * (forwarding headers the agent wrote), or answer in pieces too short to mask (ranges).
     */
    static final Set<String> NEVER = Set.of(
            "x-http-method-override",
            "x-http-method",
            "x-method-override",
            "x-original-url",
            "x-rewrite-url",
            "x-original-uri",
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-forwarded-prefix",
            "x-real-ip",
            "range",
            "if-range");

    static void requestHeaders(HttpFields from, HttpFields.Mutable to, Injection injection) {
        Set<String> connectionNamed = new java.util.HashSet<>();
        for (String v : from.getValuesList(HttpHeader.CONNECTION)) {
            for (String token : v.split(",")) {
                connectionNamed.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (HttpField f : from) {
            String name = f.getName().toLowerCase(Locale.ROOT);
            if (HOP.contains(name)
                    || NEVER.contains(name)
                    || connectionNamed.contains(name)
                    || ("header".equals(injection.kind()) && name.equalsIgnoreCase(injection.name()))) {
                continue;
            }
            to.add(f.getName(), f.getValue());
        }
        // Echoes are masked in plain bytes only: ask the upstream not to compress.
        to.put(HttpHeader.ACCEPT_ENCODING, "identity");
        if ("header".equals(injection.kind())) {
            to.put(injection.name(), injection.value());
        }
    }

    /** The agent's query with any parameter of the injected name removed, then the injected one. */
    static String query(String rawQuery, Injection injection) {
        if (!"query".equals(injection.kind())) {
            return rawQuery == null ? "" : rawQuery;
        }
        StringBuilder out = new StringBuilder();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String part : rawQuery.split("&")) {
                int eq = part.indexOf('=');
                String name = java.net.URLDecoder.decode(
                        eq < 0 ? part : part.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                if (!name.equals(injection.name())) {
                    out.append(out.isEmpty() ? "" : "&").append(part);
                }
            }
        }
        return out.append(out.isEmpty() ? "" : "&")
                .append(injection.name())
                .append('=')
                .append(injection.value())
                .toString();
    }
}
