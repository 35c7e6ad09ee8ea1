package dev.keyroom.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

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
        HttpResponse<byte[]> r;
        try (HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            r = http.send(
                    HttpRequest.newBuilder(gateway.resolve("/v1/ca.pem"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(gateway, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the gateway's CA", e);
        }
        byte[] pem = r.body();
        if (r.statusCode() != 200
                || !new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new UncheckedIOException(
                    "the gateway at " + gateway + " answered " + r.statusCode()
                            + " for its CA: is it a Keyroom gateway?",
                    new IOException("no CA certificate in the answer"));
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
