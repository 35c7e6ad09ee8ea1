package dev.keyroom.gateway;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.protocol.grant.GrantDocument;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a grant puts into the outgoing request, computed from the secret's value, and every form in
 * which that value could come back from the upstream so the agent receives it masked (GW-1).
 */
record Injection(String kind, String name, String value, Set<byte[]> echoes) {
    /** Shorter values cannot be masked without mangling ordinary bodies; such secrets are not injected. */
    static final int MIN_VALUE_BYTES = 8;

    static Injection of(GrantDocument.Injection how, SecretBytes secret) {
        String raw = new String(secret.unsafeBytes(), StandardCharsets.UTF_8);
        if (raw.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // A CR or LF in a header value would let the secret's author inject headers.
            throw new IllegalStateException("the secret holds control characters and cannot be injected");
        }
        String filled = how.template().replace(GrantDocument.Injection.PLACEHOLDER, raw);
        Set<byte[]> echoes = new LinkedHashSet<>();
        echoes.add(secret.unsafeBytes().clone());
        return switch (how.kind()) {
            case "header" -> new Injection("header", how.name(), filled, echoes);
            case "basic" -> {
                String encoded = Base64.getEncoder().encodeToString(filled.getBytes(StandardCharsets.UTF_8));
                echoes.add(encoded.getBytes(StandardCharsets.US_ASCII));
                yield new Injection("header", "Authorization", "Basic " + encoded, echoes);
            }
            case "query" -> {
                String encoded = URLEncoder.encode(filled, StandardCharsets.UTF_8);
                echoes.add(URLEncoder.encode(raw, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII));
                yield new Injection("query", how.name(), encoded, echoes);
            }
            default -> throw new IllegalStateException("unknown injection " + how.kind());
        };
    }

    @Override
    public String toString() {
        return "Injection[" + kind + " " + name + "]";
    }
}
