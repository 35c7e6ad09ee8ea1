package dev.keyroom.protocol.signature;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.sfv.StructuredFields;
import dev.keyroom.protocol.sfv.StructuredFields.InnerList;
import dev.keyroom.protocol.sfv.StructuredFields.Item;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signs a request for Keyroom's profile: covers {@code @method}, {@code @authority}, {@code
 * @path}, {@code @query} and, when there is a body or the method is POST, PUT or PATCH, {@code
 * content-digest}; sets {@code created}, a fresh 32-character nonce, the endpoint as {@code keyid}
 * and {@code alg="ed25519"}.
 */
public record RequestSigner(Identity identity, Clock clock, SecureRandom random) {
    /** Whether the profile requires a Content-Digest for this request. */
    public static boolean digestRequired(String method, boolean hasBody) {
        String m = method.toUpperCase(Locale.ROOT);
        return hasBody || m.equals("POST") || m.equals("PUT") || m.equals("PATCH");
    }

    /** The header fields to add to the request: Content-Digest (when required) and the signature. */
    public Map<String, String> sign(String method, URI uri, byte[] body) {
        byte[] b = body == null ? new byte[0] : body;
        return signDigest(method, uri, b.length > 0, Digests.sha256(b));
    }

    /**
     * The same for a body that is not in memory (an upload streamed from a file): {@code sha256} is
     * its digest, {@code hasBody} whether it has any bytes.
     */
    public Map<String, String> signDigest(String method, URI uri, boolean hasBody, byte[] sha256) {
        Map<String, String> headers = new LinkedHashMap<>();
        boolean digest = digestRequired(method, hasBody);
        if (digest) {
            headers.put("content-digest", ContentDigest.header(sha256));
        }
        List<Item> components = new ArrayList<>();
        for (String c : SignedRequest.REQUIRED) {
            components.add(new Item(c, Map.of()));
        }
        if (digest) {
            components.add(new Item("content-digest", Map.of()));
        }
        byte[] n = new byte[24];
        random.nextBytes(n);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("created", clock.epochSecond());
        params.put("nonce", Base64Url.encode(n));
        params.put("keyid", identity.endpoint().value());
        params.put("alg", "ed25519");
        InnerList input = new InnerList(components, params);
        HttpRequestView view = new OutgoingRequest(method, uri, headers);
        byte[] base;
        try {
            base = SignatureBase.build(input, view);
        } catch (SignatureException e) {
            throw new IllegalArgumentException("cannot sign this request: " + e.getMessage(), e);
        }
        byte[] sig = identity.sign(base);
        headers.put("signature-input", "sig1=" + StructuredFields.serializeInnerList(input));
        headers.put("signature", "sig1=:" + Base64.getEncoder().encodeToString(sig) + ":");
        return headers;
    }
}
