package dev.keyroom.server.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Request ids: 96 random bits, base64url. Always made by the server; an {@code X-Request-Id} sent
 * by a client is ignored so nobody can plant a value in our logs.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = "keyroom.requestId";
    private final SecureRandom random;

    public RequestIds(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
