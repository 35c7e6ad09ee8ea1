package dev.keyroom.server.console;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's credentials as they are kept (UI-1): a ticket or a session token is 256 random
 * bits, handed out once and remembered only as its HMAC-SHA256 under a key of the data directory
 * ({@code console.key}, 0600, 256 bits, made at first use). Whoever reads the server's memory or
 * a heap dump learns no usable token; the key never leaves the file and this object.
 */
final class TokenHasher {
    static final int TOKEN_BYTES = 32;

    private final SecretKeySpec key;
    private final SecureRandom random;

    private TokenHasher(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.random = random;
    }

    /** Reads the key at {@code file}, making it (0600) when absent; refuses one others can read. */
    static TokenHasher open(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            KeyFiles.writeSecret(file, fresh, false);
        }
        byte[] key = KeyFiles.readSecret(file);
        if (key.length != 32) {
            throw new IOException("the console key " + file.getFileName()
                    + " is not 32 bytes; delete it to make a new one" + " (every console session ends)");
        }
        return new TokenHasher(key, random);
    }

    /** A new token: 256 random bits, base64url. */
    String newToken() {
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        return Base64Url.encode(b);
    }

    /** The keyed hash of {@code token} for {@code purpose} (a ticket, a session, a CSRF token), base64url. */
    String hash(String purpose, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(purpose.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return Base64Url.encode(mac.doFinal(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
