package dev.keyroom.protocol.dto;

/** The JSON body of a room's {@code blobs}. */
public final class BlobDtos {
    private BlobDtos() {}

    public record Blob(String sha256, long size) {}
}
