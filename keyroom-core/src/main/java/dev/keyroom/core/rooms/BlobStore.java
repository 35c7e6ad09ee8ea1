package dev.keyroom.core.rooms;

import java.io.InputStream;
import java.util.Optional;

/**
 * Content-addressed blobs of a room: the address is the lowercase hex SHA-256 of the stored bytes,
 * identical on every implementation.
 *
 * <p>Guarantees: {@link #put} streams (memory per upload is a small buffer), verifies that the
 * bytes hash to the address before making them visible, and makes them visible atomically; a
 * failed or mismatching put leaves nothing behind. Blobs are immutable.
 *
 * <p>Errors: a mismatch raises {@code BAD_REQUEST}, more than {@code maxBytes} raises {@code
 * PAYLOAD_TOO_LARGE}, a backend failure {@code INTERNAL}.
 */
public interface BlobStore {

    /** Stores the stream under {@code sha256Hex}; true when new, false when it was already there. */
    boolean put(RoomId room, String sha256Hex, InputStream body, long maxBytes);

    /**
     * Stores a file the caller wrote and hashed itself while writing it ({@code fileSha256}): the
     * store may move it into place instead of copying and hashing it again. The address must be
     * that hash (BAD_REQUEST otherwise). Afterwards the file may be gone; the caller deletes it if
     * not. The default copies through {@link #put}, which hashes again.
     */
    default boolean adopt(RoomId room, String sha256Hex, java.nio.file.Path file, byte[] fileSha256, long maxBytes) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return put(room, sha256Hex, in, maxBytes);
        } catch (java.io.IOException e) {
            throw new dev.keyroom.core.error.KeyroomException(
                    dev.keyroom.core.error.ErrorCode.INTERNAL, "cannot read the upload", e);
        }
    }

    /**
     * A {@link #put} for stores that {@link #adopt} files: spools the stream into {@code dir} while
     * hashing and measuring it, adopts the file, and deletes whatever is left of it.
     */
    static boolean putBySpooling(
            BlobStore store, RoomId room, String sha256Hex, InputStream body, long maxBytes, java.nio.file.Path dir) {
        java.nio.file.Path part = null;
        try {
            dev.keyroom.core.crypto.HashedSpool spooled =
                    dev.keyroom.core.crypto.HashedSpool.write(body, maxBytes, dir, "blob-", "blob too large");
            part = spooled.file();
            return store.adopt(room, sha256Hex, part, spooled.sha256(), maxBytes);
        } catch (java.io.IOException e) {
            throw new dev.keyroom.core.error.KeyroomException(
                    dev.keyroom.core.error.ErrorCode.INTERNAL, "blob storage failure", e);
        } finally {
            if (part != null) {
                try {
                    java.nio.file.Files.deleteIfExists(part);
                } catch (java.io.IOException ignored) {
                    // spool directories are emptied at start
                }
            }
        }
    }

    /** The blob's size, if present. */
    Optional<Long> size(RoomId room, String sha256Hex);

    /** Opens the blob for reading, if present. The caller closes the stream. */
    Optional<InputStream> open(RoomId room, String sha256Hex);

    /** Whether {@code sha256Hex} is a blob's address: 64 lowercase hex characters. */
    static boolean isAddress(String sha256Hex) {
        return sha256Hex != null
                && sha256Hex.length() == 64
                && sha256Hex.chars().allMatch(BlobStore::isLowerHex);
    }

    /** BAD_REQUEST unless {@code sha256Hex} is a blob's address. */
    static String requireAddress(String sha256Hex) {
        if (!isAddress(sha256Hex)) {
            throw dev.keyroom.core.error.KeyroomException.badRequest("a blob address is 64 lowercase hex characters");
        }
        return sha256Hex;
    }

    private static boolean isLowerHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
}
