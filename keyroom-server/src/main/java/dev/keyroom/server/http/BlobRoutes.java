package dev.keyroom.server.http;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.BlobService;
import dev.keyroom.protocol.dto.BlobDtos;

/**
 * Blobs: {@code PUT/GET/HEAD /v1/rooms/{room}/blobs/{sha256}}. The upload arrives already spooled
 * to disk (authentication checked its digest); membership is checked first (AZ-1), then the blob
 * store copies it while hashing and keeps it only if it hashes to its address.
 */
public record BlobRoutes(BlobService blobs) {
    public void register(Router router) {
        router.add("PUT", "/v1/rooms/{room}/blobs/{sha256}", this::put)
                .add("GET", "/v1/rooms/{room}/blobs/{sha256}", c -> {
                    long size = blobs.size(c.caller(), c.room(), c.params().get("sha256"));
                    return new Reply(
                            200,
                            new Reply.Stream(
                                    size,
                                    blobs.open(c.caller(), c.room(), c.params().get("sha256"))));
                })
                .add(
                        "HEAD",
                        "/v1/rooms/{room}/blobs/{sha256}",
                        c -> new Reply(
                                200,
                                new Reply.Stream(
                                        blobs.size(
                                                c.caller(), c.room(), c.params().get("sha256")),
                                        null)));
    }

    private Reply put(Call c) {
        String address = c.params().get("sha256");
        if (!(c.body() instanceof RequestBody.Spooled spooled)) {
            throw new KeyroomException(ErrorCode.BAD_REQUEST, "a blob upload needs a body");
        }
        boolean created = blobs.put(c.caller(), c.room(), address, spooled.file(), spooled.sha256());
        return new Reply(created ? 201 : 200, new BlobDtos.Blob(address, spooled.length()));
    }
}
