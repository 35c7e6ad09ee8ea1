package dev.keyroom.core.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret key material in memory (SEC-1). {@link #toString()} is redacted, {@link #equals} runs in
 * constant time, the bytes are handed out only by the explicit {@link #unsafeBytes()} (a copy),
 * and {@link #close()} zeroes the buffer; any use after close fails.
 */
public final class SecretBytes implements AutoCloseable {
    private final byte[] bytes;
    private volatile boolean closed;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}; the caller should zero its own array. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(bytes.clone());
    }

    /** Takes ownership of {@code bytes} (no copy); the caller must not keep a reference. */
    public static SecretBytes wrap(byte[] bytes) {
        return new SecretBytes(bytes);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the secret bytes. The name makes every use easy to find. */
    public byte[] unsafeBytes() {
        checkOpen();
        return bytes.clone();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("secret already closed");
        }
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecretBytes other)) {
            return false;
        }
        checkOpen();
        other.checkOpen();
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }
}
