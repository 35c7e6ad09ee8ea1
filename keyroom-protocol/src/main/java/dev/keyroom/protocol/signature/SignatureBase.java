package dev.keyroom.protocol.signature;

import dev.keyroom.protocol.sfv.StructuredFields;
import dev.keyroom.protocol.sfv.StructuredFields.InnerList;
import dev.keyroom.protocol.sfv.StructuredFields.Item;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the signature base of RFC 9421 section 2.5 for a request, byte for byte as any conforming
 * implementation does.
 *
 * <p>Supported components: the derived {@code @method}, {@code @target-uri}, {@code @authority},
 * {@code @scheme}, {@code @request-target}, {@code @path} and {@code @query}, and header fields
 * without parameters. Anything else ({@code @query-param}, {@code ;sf}, {@code ;key}, {@code ;bs},
 * response components) is refused rather than guessed at.
 */
public final class SignatureBase {
    private SignatureBase() {}

    /**
     * The signature base for {@code params} (the parsed value of one Signature-Input member) over
     * {@code request}.
     */
    public static byte[] build(InnerList params, HttpRequestView request) throws SignatureException {
        StringBuilder sb = new StringBuilder(256);
        Set<String> seen = new HashSet<>();
        for (Item component : params.items()) {
            if (!(component.value() instanceof String name)) {
                throw new SignatureException("component identifiers must be strings");
            }
            String id = StructuredFields.serializeItem(component);
            if (!seen.add(id)) {
                throw new SignatureException("a component is covered twice");
            }
            if (!component.params().isEmpty()) {
                throw new SignatureException("component parameters are not supported");
            }
            String value = componentValue(name, request);
            sb.append(id).append(": ").append(value).append('\n');
        }
        sb.append("\"@signature-params\": ").append(StructuredFields.serializeInnerList(params));
        String base = sb.toString();
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (c > 0x7e || (c < 0x20 && c != '\n')) {
                throw new SignatureException("signature base would hold a non-ASCII or control character");
            }
        }
        return base.getBytes(StandardCharsets.US_ASCII);
    }

    private static String componentValue(String name, HttpRequestView r) throws SignatureException {
        if (name.startsWith("@")) {
            return switch (name) {
                case "@method" -> r.method();
                case "@scheme" -> r.scheme().toLowerCase(Locale.ROOT);
                case "@authority" -> Authority.normalize(r.scheme(), r.authority());
                case "@path" -> path(r);
                case "@query" -> "?" + (r.rawQuery() == null ? "" : r.rawQuery());
                case "@request-target" -> path(r) + (r.rawQuery() == null ? "" : "?" + r.rawQuery());
                case "@target-uri" ->
                    r.scheme().toLowerCase(Locale.ROOT)
                            + "://"
                            + Authority.normalize(r.scheme(), r.authority())
                            + path(r)
                            + (r.rawQuery() == null ? "" : "?" + r.rawQuery());
                default -> throw new SignatureException("unsupported derived component");
            };
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
            throw new SignatureException("field names in components must be lowercase");
        }
        List<String> values = r.headerValues(name);
        if (values == null || values.isEmpty()) {
            throw new SignatureException("a covered header field is missing");
        }
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(v.replaceAll("\r\n[ \t]+", " ").strip());
        }
        return sb.toString();
    }

    private static String path(HttpRequestView r) {
        String p = r.rawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }
}
