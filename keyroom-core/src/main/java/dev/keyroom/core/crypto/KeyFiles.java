package dev.keyroom.core.crypto;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold key material (SEC-4): identities, the keyring, TLS private keys. They are
 * created with mode 0600 from the first byte (never widened then narrowed), written atomically,
 * and refused on read when group or others have any access.
 */
public final class KeyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {}

    /**
     * Writes {@code content} to {@code target} with mode 0600. Fails if {@code target} exists unless
     * {@code replace}.
     */
    public static void writeSecret(Path target, byte[] content, boolean replace) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (!replace && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(
                    target.toString(), null, "refusing to overwrite an existing key file");
        }
        Path tmp = Files.createTempFile(
                dir, "." + target.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a key file after checking that only its owner can access it.
     *
     * @throws InsecureKeyFileException when group or others have any permission on it
     */
    public static byte[] readSecret(Path file) throws IOException {
        requireOwnerOnly(file);
        return Files.readAllBytes(file);
    }

    /** Fails with a message that says how to fix it when group or others can access the file. */
    public static void requireOwnerOnly(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        for (PosixFilePermission p : perms) {
            if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                if (p == PosixFilePermission.OWNER_EXECUTE) {
                    continue;
                }
                throw new InsecureKeyFileException("key file "
                        + file
                        + " has mode "
                        + PosixFilePermissions.toString(perms)
                        + ": group or others can access it; fix with: chmod 600 "
                        + file);
            }
        }
    }

    /** A key file whose permissions let others read it; the message says how to fix it. */
    public static final class InsecureKeyFileException extends IOException {
        private static final long serialVersionUID = 1L;

        public InsecureKeyFileException(String message) {
            super(message);
        }
    }
}
