package dev.keyroom.server.auth;

import dev.keyroom.protocol.signature.HttpRequestView;
import java.util.List;
import org.eclipse.jetty.server.Request;

/** A Jetty request as the signature base sees it: raw path and query, header values as sent. */
public record JettyRequestView(Request request) implements HttpRequestView {
    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String scheme() {
        return request.getHttpURI().getScheme();
    }

    @Override
    public String authority() {
        return request.getHttpURI().getAuthority();
    }

    @Override
    public String rawPath() {
        return request.getHttpURI().getPath();
    }

    @Override
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public List<String> headerValues(String name) {
        return request.getHeaders().getValuesList(name);
    }
}
