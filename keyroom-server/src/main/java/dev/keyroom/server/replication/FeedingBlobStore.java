package dev.keyroom.server.replication;

import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.SiteLog;
import java.util.Optional;

/**
 * The blob store this site's clients write to: every blob stored, or stored again (a client
 * retrying an upload whose answer it lost), is recorded for the backup: {@code blobs} are the
 * site's own, {@code store} the feed that records them.
 */
record FeedingBlobStore(BlobStore blobs, SiteLog store, Clock clock) implements BlobStore {

    @Override
    public boolean put(RoomId room, String sha256Hex, java.io.InputStream body, long maxBytes) {
        boolean added = blobs.put(room, sha256Hex, body, maxBytes);
        store.recordBlob(room, sha256Hex, clock.now());
        return added;
    }

    @Override
    public boolean adopt(RoomId room, String sha256Hex, java.nio.file.Path file, byte[] fileSha256, long maxBytes) {
        boolean added = blobs.adopt(room, sha256Hex, file, fileSha256, maxBytes);
        store.recordBlob(room, sha256Hex, clock.now());
        return added;
    }

    @Override
    public Optional<Long> size(RoomId room, String sha256Hex) {
        return blobs.size(room, sha256Hex);
    }

    @Override
    public Optional<java.io.InputStream> open(RoomId room, String sha256Hex) {
        return blobs.open(room, sha256Hex);
    }
}
