package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import java.io.InputStream;
import java.util.Optional;

/** Room attachments: members read them, members who may write add them. */
public final class BlobService {
    private final BlobStore blobs;
    private final RoomService rooms;
    private final long maxBytes;

    public BlobService(BlobStore blobs, RoomService rooms, long maxBytes) {
        this.blobs = blobs;
        this.rooms = rooms;
        this.maxBytes = maxBytes;
    }

    /**
     * Stores an upload the server spooled to {@code file} and hashed on the way ({@code
     * fileSha256}); true when new. The address must be that hash.
     */
    public boolean put(User caller, RoomId room, String sha256Hex, java.nio.file.Path file, byte[] fileSha256) {
        if (!rooms.requireMember(caller, room).role().canWrite()) {
            throw KeyroomException.forbidden("readers cannot upload");
        }
        return blobs.adopt(room, sha256Hex, file, fileSha256, maxBytes);
    }

    public long size(User caller, RoomId room, String sha256Hex) {
        rooms.requireMember(caller, room);
        return blobs.size(room, sha256Hex).orElseThrow(KeyroomException::notFound);
    }

    public InputStream open(User caller, RoomId room, String sha256Hex) {
        rooms.requireMember(caller, room);
        Optional<InputStream> in = blobs.open(room, sha256Hex);
        return in.orElseThrow(KeyroomException::notFound);
    }
}
