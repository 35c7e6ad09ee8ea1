package dev.keyroom.cli;

import dev.keyroom.client.GatewayCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The gateway's CA certificate as a file the program of {@code keyroom run} can name in its trust
 * variables: the operator's copy when given, else fetched from the gateway's {@code GET /v1/ca.pem}
 * into a file of its own (0600 in a 0700 directory, so that no other user swaps in a CA of theirs)
 * that is deleted when the run ends.
 */
final class GatewayCaFile implements AutoCloseable {
    private final Path file;
    private final Path ownedDir;

    private GatewayCaFile(Path file, Path ownedDir) {
        this.file = file;
        this.ownedDir = ownedDir;
    }

    static GatewayCaFile given(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--ca " + file + " is not a readable file");
        }
        return new GatewayCaFile(file, null);
    }

    /** Fetches the CA from {@code gateway}, a loopback {@code http://} URL (its CA cannot be checked by itself). */
    static GatewayCaFile fetch(URI gateway) throws IOException {
        byte[] pem;
        try {
            pem = GatewayCa.fetch(gateway);
        } catch (GatewayCa.Unreachable e) {
            throw unreachable(gateway, e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Path dir = Files.createTempDirectory(
                "keyroom-run-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = Files.createFile(
                dir.resolve("gateway-ca.pem"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, pem);
        return new GatewayCaFile(file, dir);
    }

    static CliFailure unreachable(URI gateway, Throwable cause) {
        return new CliFailure(
                CliFailure.Code.SERVER_UNREACHABLE,
                "cannot reach the gateway at " + gateway,
                "is 'keyroom gateway' running there? check --gateway",
                cause);
    }

    Path path() {
        return file;
    }

    /** Deletes a fetched file and its directory; leaves a given one alone. */
    @Override
    public void close() {
        if (ownedDir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(ownedDir);
        } catch (IOException e) {
            // The file holds only a public certificate; a leftover is untidy, not a leak.
        }
    }
}
