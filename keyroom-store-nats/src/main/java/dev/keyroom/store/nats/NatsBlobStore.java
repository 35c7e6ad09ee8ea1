package dev.keyroom.store.nats;

import dev.keyroom.core.crypto.HashedSpool;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * Blobs in a JetStream Object Store, under the same addresses as on disk: object {@code
 * <room>/<sha256>}. Bytes are hashed and measured in a 0600 spool file first (or come already
 * hashed from the server's own spool, {@link #adopt}); only bytes that hash to their address are
 * put, and an object is visible only once the Object Store has written its last chunk and its
 * description, so nothing half written or mismatching is ever served.
 */
public final class NatsBlobStore implements BlobStore {
    private final ObjectStore objects;
    private final Path spool;

    public NatsBlobStore(Connection nats, String bucket, int replicas, Path spool, Duration timeout) {
        this.spool = spool;
        try {
            Files.createDirectories(spool);
            this.objects = NatsBuckets.objectStore(nats, bucket, replicas, timeout);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw unavailable(e);
        }
    }

    private static String name(RoomId room, String sha256Hex) {
        BlobStore.requireAddress(sha256Hex);
        return room.value() + "/" + sha256Hex;
    }

    @Override
    public boolean put(RoomId room, String sha256Hex, InputStream body, long maxBytes) {
        name(room, sha256Hex);
        return BlobStore.putBySpooling(this, room, sha256Hex, body, maxBytes, spool);
    }

    @Override
    public boolean adopt(RoomId room, String sha256Hex, Path file, byte[] fileSha256, long maxBytes) {
        String name = name(room, sha256Hex);
        try {
            HashedSpool.requireBlobAddress(Files.size(file), fileSha256, sha256Hex, maxBytes);
            if (present(name).isPresent()) {
                return false;
            }
            try (InputStream in = Files.newInputStream(file)) {
                objects.put(ObjectMeta.objectName(name), in);
            }
            return true;
        } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
            throw unavailable(e);
        } catch (RuntimeException e) {
            if (e instanceof KeyroomException k) {
                throw k;
            }
            throw unavailable(e);
        }
    }

    private Optional<ObjectInfo> present(String name) throws IOException, JetStreamApiException {
        ObjectInfo info = objects.getInfo(name);
        return info == null || info.isDeleted() ? Optional.empty() : Optional.of(info);
    }

    @Override
    public Optional<Long> size(RoomId room, String sha256Hex) {
        try {
            return present(name(room, sha256Hex)).map(ObjectInfo::getSize);
        } catch (IOException | JetStreamApiException e) {
            throw unavailable(e);
        }
    }

    /** Fetches the blob into a 0600 spool file and streams it from there; the file goes when closed. */
    @Override
    public Optional<InputStream> open(RoomId room, String sha256Hex) {
        String name = name(room, sha256Hex);
        Path copy = null;
        try {
            if (present(name).isEmpty()) {
                return Optional.empty();
            }
            copy = Files.createTempFile(
                    spool,
                    "get-",
                    ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(copy, StandardOpenOption.WRITE)) {
                objects.get(name, out);
            }
            Path file = copy;
            copy = null;
            return Optional.of(new FilterInputStream(Files.newInputStream(file)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            });
        } catch (IOException
                | JetStreamApiException
                | InterruptedException
                | java.security.NoSuchAlgorithmException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw unavailable(e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException ignored) {
                    // the spool is emptied at start
                }
            }
        }
    }

    /** Uploads being spooled now (for tests: zero after every put, failed or not). */
    /** Every stored blob, as room and address (for copying into another store). */
    public java.util.List<dev.keyroom.store.sqlite.DiskBlobStore.Address> addresses() {
        try {
            java.util.List<dev.keyroom.store.sqlite.DiskBlobStore.Address> out = new java.util.ArrayList<>();
            for (var info : objects.getList()) {
                String[] parts = info.getObjectName().split("/");
                if (!info.isDeleted() && parts.length == 2 && BlobStore.isAddress(parts[1])) {
                    out.add(new dev.keyroom.store.sqlite.DiskBlobStore.Address(new RoomId(parts[0]), parts[1]));
                }
            }
            return out;
        } catch (IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw unavailable(e);
        }
    }

    public long pendingParts() throws IOException {
        try (var files = Files.list(spool)) {
            return files.count();
        }
    }

    private static KeyroomException unavailable(Exception cause) {
        return new KeyroomException(ErrorCode.INTERNAL, "blob storage failure", cause);
    }
}
