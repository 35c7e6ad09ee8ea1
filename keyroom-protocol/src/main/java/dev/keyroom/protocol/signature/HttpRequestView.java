package dev.keyroom.protocol.signature;

import java.util.List;

/**
 * What the signature base needs of a request, as it arrived (server) or as it will be sent (SDK).
 * Path and query are raw: exactly the bytes of the request target, never decoded.
 */
public interface HttpRequestView {
    /** The method as sent, e.g. {@code POST}. */
    String method();

    /** {@code http} or {@code https}. */
    String scheme();

    /** Host and port as sent in the request's authority, before normalisation. */
    String authority();

    /** The raw absolute path, e.g. {@code /v1/rooms}; may be empty. */
    String rawPath();

    /** The raw query without {@code ?}, or null when the target has none. */
    String rawQuery();

    /** Every value of a header field, in order; {@code name} is lowercase. */
    List<String> headerValues(String name);
}
