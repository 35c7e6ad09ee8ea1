package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body, read once under its route's cap and hashed while it streams in: kept in memory
 * for JSON routes, spooled to a 0600 temporary file for blob routes so that memory per upload is
 * one small buffer (DOS-5). Closing a spooled body deletes its file.
 */
public sealed interface RequestBody extends AutoCloseable {
    /** SHA-256 of the body, for the Content-Digest check. */
    byte[] sha256();

    long length();

    @Override
    default void close() {}

    /** A body held in memory. */
    record InMemory(byte[] bytes, byte[] sha256) implements RequestBody {
        public static final InMemory EMPTY = new InMemory(new byte[0], Digests.sha256(new byte[0]));

        @Override
        public long length() {
            return bytes.length;
        }
    }

    /** A body in a temporary file, deleted on close. */
    record Spooled(Path file, long length, byte[] sha256) implements RequestBody {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the spool directory is cleaned at start as well
            }
        }
    }

    int BUFFER = 64 * 1024;

    /** Reads {@code in} into memory, refusing more than {@code cap} bytes with 413. */
    static InMemory inMemory(InputStream in, long cap) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (body.length > cap) {
            throw tooLarge();
        }
        return new InMemory(body, Digests.sha256(body));
    }

    /** Streams {@code in} to a new file in {@code dir}, refusing more than {@code cap} bytes with 413. */
    static Spooled spool(InputStream in, long cap, Path dir) throws IOException {
        dev.keyroom.core.crypto.HashedSpool s =
                dev.keyroom.core.crypto.HashedSpool.write(in, cap, dir, "upload-", "request body too large");
        return new Spooled(s.file(), s.length(), s.sha256());
    }

    private static KeyroomException tooLarge() {
        return new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, "request body too large");
    }
}
