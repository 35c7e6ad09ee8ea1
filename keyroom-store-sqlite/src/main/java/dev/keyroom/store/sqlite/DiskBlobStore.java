package dev.keyroom.store.sqlite;

import dev.keyroom.core.crypto.HashedSpool;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Blobs as files: {@code ROOT/<room>/<first two hex>/<sha256>}. A put streams into a temporary file
 * in {@code ROOT/tmp} while hashing, checks the hash against the address in constant time, forces
 * the bytes to disk and renames the file into place atomically; a mismatch, an oversize body or any
 * failure deletes the temporary file, so nothing is ever visible half written.
 */
public final class DiskBlobStore implements BlobStore {
    private final Path root;
    private final Path tmp;

    public DiskBlobStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        try (var leftovers = Files.list(tmp)) {
            for (Path p : leftovers.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path path(RoomId room, String sha256Hex) {
        BlobStore.requireAddress(sha256Hex);
        return root.resolve(room.value()).resolve(sha256Hex.substring(0, 2)).resolve(sha256Hex);
    }

    /** Spools the stream into the store's own directory while hashing it, then adopts the file. */
    @Override
    public boolean put(RoomId room, String sha256Hex, InputStream body, long maxBytes) {
        path(room, sha256Hex);
        return BlobStore.putBySpooling(this, room, sha256Hex, body, maxBytes, tmp);
    }

    /**
     * Moves the caller's file into place when it is on this store's file system: the hash the
     * caller computed while writing it must be the address, then one fsync and an atomic rename,
     * instead of a second copy and hash. Elsewhere it copies through {@link #put}.
     */
    @Override
    public boolean adopt(RoomId room, String sha256Hex, Path file, byte[] fileSha256, long maxBytes) {
        Path target = path(room, sha256Hex);
        try {
            if (!Files.getFileStore(file).equals(Files.getFileStore(tmp))) {
                return BlobStore.super.adopt(room, sha256Hex, file, fileSha256, maxBytes);
            }
            HashedSpool.requireBlobAddress(Files.size(file), fileSha256, sha256Hex, maxBytes);
            if (Files.exists(target)) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                return BlobStore.super.adopt(room, sha256Hex, file, fileSha256, maxBytes);
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "blob storage failure", e);
        }
    }

    @Override
    public Optional<Long> size(RoomId room, String sha256Hex) {
        return ifPresent(path(room, sha256Hex), Files::size);
    }

    @Override
    public Optional<InputStream> open(RoomId room, String sha256Hex) {
        return ifPresent(path(room, sha256Hex), Files::newInputStream);
    }

    /** A stored blob's address. */
    public record Address(RoomId room, String sha256Hex) {}

    /** Every stored blob, by room then address (for migration into another store). */
    public java.util.List<Address> addresses() throws IOException {
        java.util.List<Address> out = new java.util.ArrayList<>();
        try (var rooms = Files.list(root)) {
            for (Path room : rooms.sorted().toList()) {
                if (room.equals(tmp) || !Files.isDirectory(room)) {
                    continue;
                }
                try (var files = Files.walk(room, 2)) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        if (Files.isRegularFile(f) && BlobStore.isAddress(name)) {
                            out.add(new Address(new RoomId(room.getFileName().toString()), name));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Files waiting in the temporary directory (for tests: none after any put). */
    public long pendingParts() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.count();
        }
    }

    private interface FileRead<T> {
        T read(Path file) throws IOException;
    }

    /** {@code read} of the blob's file when it exists; a storage error is INTERNAL. */
    private static <T> Optional<T> ifPresent(Path file, FileRead<T> read) {
        try {
            return Files.isRegularFile(file) ? Optional.of(read.read(file)) : Optional.empty();
        } catch (IOException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "blob storage failure", e);
        }
    }
}
