package dev.keyroom.client;

import dev.keyroom.core.crypto.SecretBytes;

/** A secret as read: its value (encrypted rooms: decrypted here) and where it came from. */
public record SecretValue(String name, long version, SecretBytes value, String createdBy, String createdAt)
        implements AutoCloseable {
    @Override
    public void close() {
        value.close();
    }
}
