package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a recipient needs to fetch and open a blob: its address (SHA-256 of the stored ciphertext)
 * and, in encrypted rooms, its per-blob key. The key never goes to the server on its own: put
 * {@link #toMessage()} inside an encrypted room message. Holds a secret: prints redacted, close it.
 */
public record BlobRef(String sha256, long size, SecretBytes key) implements AutoCloseable {
    private static final Pattern FORM = Pattern.compile("keyroom-blob:v1:([0-9a-f]{64}):([0-9]+):([A-Za-z0-9_-]*)");

    /** The reference as text for a message body; holds the key in clear, so send it only encrypted. */
    public byte[] toMessage() {
        String k = key == null ? "" : Base64Url.encode(key.unsafeBytes());
        return ("keyroom-blob:v1:" + sha256 + ":" + size + ":" + k).getBytes(StandardCharsets.US_ASCII);
    }

    public static BlobRef fromMessage(byte[] message) {
        Matcher m = FORM.matcher(new String(message, StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a blob reference");
        }
        String k = m.group(3);
        return new BlobRef(
                m.group(1),
                Long.parseLong(m.group(2)),
                k.isEmpty() ? null : SecretBytes.wrap(Base64Url.decode(k, "key")));
    }

    @Override
    public void close() {
        if (key != null) {
            key.close();
        }
    }

    @Override
    public String toString() {
        return "BlobRef[" + sha256 + ", " + size + " bytes, key [REDACTED]]";
    }
}
