package dev.keyroom.mcp;

import dev.keyroom.protocol.grant.GrantDocument;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request a model asks {@code call_upstream} to send, checked before a byte of it is written:
 * the parts become lines of an HTTP/1.1 head, so nothing in them may end a line or a header early,
 * and the headers that frame the message are this tool's own.
 */
final class UpstreamRequest {
    static final int MAX_BODY = 1024 * 1024;
    static final int MAX_TARGET = 4096;
    static final int MAX_HEADERS = 50;
    static final int MAX_HEADER_VALUE = 8192;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Set<String> OWN = Set.of("host", "content-length", "transfer-encoding", "connection");

    private UpstreamRequest() {}

    static TunnelledRequest.Request of(String method, String path, Map<String, String> headers, String body) {
        String m = method.toUpperCase(Locale.ROOT);
        if (!GrantDocument.METHODS.contains(m)) {
            throw new ToolFailure("method must be one of "
                    + GrantDocument.METHODS.stream().sorted().toList());
        }
        if (!path.startsWith("/")
                || path.length() > MAX_TARGET
                || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '#')) {
            throw new ToolFailure("path must start with '/' and be printable ASCII without spaces or '#', at most "
                    + MAX_TARGET + " characters (percent-encode anything else), e.g. /v1/items?limit=5");
        }
        if (headers.size() > MAX_HEADERS) {
            throw new ToolFailure("give at most " + MAX_HEADERS + " headers");
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!TOKEN.matcher(h.getKey()).matches()) {
                throw new ToolFailure("'" + h.getKey() + "' is not a valid header name");
            }
            if (OWN.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                throw new ToolFailure("the " + h.getKey() + " header is set by call_upstream itself; leave it out");
            }
            String v = h.getValue();
            if (v.length() > MAX_HEADER_VALUE || v.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c >= 0x7f)) {
                throw new ToolFailure("the value of header '" + h.getKey() + "' must be printable ASCII of at most "
                        + MAX_HEADER_VALUE + " characters");
            }
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BODY) {
            throw new ToolFailure("the body is " + bytes.length + " bytes; call_upstream sends at most " + MAX_BODY);
        }
        return new TunnelledRequest.Request(m, path, headers, bytes);
    }

    /** The path without its query, as a grant's prefixes are matched against it. */
    static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
