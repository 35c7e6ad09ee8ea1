package dev.keyroom.core.crypto;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A stream written to a new 0600 file while it is hashed and measured, with one small buffer
 * whatever its size (DOS-5): request bodies, blob uploads. More than the ceiling is refused with
 * {@code PAYLOAD_TOO_LARGE} and leaves no file behind.
 */
public record HashedSpool(Path file, long length, byte[] sha256) {
    private static final int BUFFER = 64 * 1024;

    public static HashedSpool write(InputStream in, long max, Path dir, String prefix, String tooLarge)
            throws IOException {
        Path file = Files.createTempFile(
                dir,
                prefix,
                ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        MessageDigest sha = Digests.sha256();
        long total = 0;
        boolean ok = false;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > max) {
                    throw new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge);
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(file);
            }
        }
        return new HashedSpool(file, total, sha.digest());
    }

    /**
     * Checks that bytes of {@code length} hashing to {@code sha256} may be stored as the blob
     * {@code hexAddress}: at most {@code max} bytes, and the address is their hash (compared in
     * constant time).
     */
    public static void requireBlobAddress(long length, byte[] sha256, String hexAddress, long max) {
        if (length > max) {
            throw new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, "blob too large");
        }
        if (!Digests.constantTimeEquals(sha256, HexFormat.of().parseHex(hexAddress))) {
            throw KeyroomException.badRequest("the bytes do not hash to the blob address");
        }
    }
}
