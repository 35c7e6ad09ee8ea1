package dev.keyroom.protocol.signature;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request about to be sent (or replayed in a benchmark): method, target URI and lowercase headers. */
public record OutgoingRequest(String method, URI uri, Map<String, String> headers) implements HttpRequestView {
    @Override
    public String method() {
        return method.toUpperCase(Locale.ROOT);
    }

    @Override
    public String scheme() {
        return uri.getScheme();
    }

    @Override
    public String authority() {
        return uri.getRawAuthority();
    }

    @Override
    public String rawPath() {
        return uri.getRawPath();
    }

    @Override
    public String rawQuery() {
        return uri.getRawQuery();
    }

    @Override
    public List<String> headerValues(String name) {
        String v = headers.get(name);
        return v == null ? List.of() : List.of(v);
    }
}
