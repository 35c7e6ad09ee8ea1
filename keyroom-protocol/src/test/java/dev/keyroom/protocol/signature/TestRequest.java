package dev.keyroom.protocol.signature;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request view over fixed values, for tests. */
record TestRequest(
        String method,
        String scheme,
        String authority,
        String rawPath,
        String rawQuery,
        Map<String, List<String>> headers)
        implements HttpRequestView {
    @Override
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
}
