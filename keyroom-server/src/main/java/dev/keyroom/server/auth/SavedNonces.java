package dev.keyroom.server.auth;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.port.Clock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single node's nonces across a restart (AUTH-3, ADR 0002). A clean stop saves the claims still
 * inside the replay window to one file; the next start takes them back and deletes the file before
 * it serves, so the file exists exactly while the node is stopped after a clean stop. A start that
 * finds no file follows a stop that saved nothing (a crash, kill -9, a full disk): the node cannot
 * know what it accepted, so it refuses every request created before its start plus the skew (the
 * fence), the end of the window in which anything it accepted before could still be valid. A new
 * data directory gets an empty file: nothing was accepted before.
 */
public final class SavedNonces implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SavedNonces.class);
    private static final String HEADER = "keyroom-nonces 1";

    private final Path file;
    private final InMemoryNonceStore store;
    private final Clock clock;
    private final Optional<Instant> fence;

    private SavedNonces(Path file, InMemoryNonceStore store, Clock clock, Optional<Instant> fence) {
        this.file = file;
        this.store = store;
        this.clock = clock;
        this.fence = fence;
    }

    /**
     * Restores into {@code store} (which has served nothing yet) what the last clean stop saved in
     * {@code file} and deletes the file; without one, fences requests created before now plus
     * {@code skew}.
     */
    public static SavedNonces restore(Path file, InMemoryNonceStore store, Clock clock, Duration skew)
            throws IOException {
        Instant now = clock.now();
        List<InMemoryNonceStore.Remembered> saved;
        try {
            saved = read(file);
        } catch (NoSuchFileException e) {
            Instant fence = now.plus(skew);
            log.atWarn()
                    .addKeyValue("not_before", fence.toString())
                    .log("the last stop saved no nonces (a crash or a kill): requests signed before"
                            + " not_before are refused, since some may have been accepted already");
            return new SavedNonces(file, store, clock, Optional.of(fence));
        } catch (IOException | RuntimeException e) {
            Instant fence = now.plus(skew);
            log.atWarn()
                    .addKeyValue("not_before", fence.toString())
                    .log("the saved nonces are unreadable and are dropped: requests signed before not_before are"
                            + " refused");
            Files.deleteIfExists(file);
            return new SavedNonces(file, store, clock, Optional.of(fence));
        }
        store.restore(saved, now);
        // Gone before anything is served: a crash from here on must leave no file behind.
        Files.delete(file);
        syncDirectory(file.getParent());
        return new SavedNonces(file, store, clock, Optional.empty());
    }

    /** Writes an empty record for a data directory that has never served a request. */
    public static void writeEmpty(Path file) throws IOException {
        write(file, List.of());
    }

    /** Requests created before this instant are refused, when the last stop saved nothing. */
    public Optional<Instant> fence() {
        return fence;
    }

    /** Saves the claims still in the window: call once the node takes no more requests. */
    @Override
    public void close() {
        try {
            write(file, store.remembered(clock.now()));
        } catch (IOException e) {
            log.atWarn()
                    .setCause(e)
                    .log("the nonces could not be saved: the next start refuses requests signed before it plus"
                            + " the skew");
        }
    }

    private static List<InMemoryNonceStore.Remembered> read(Path file) throws IOException {
        byte[] bytes = KeyFiles.readSecret(file);
        List<String> lines = List.of(new String(bytes, StandardCharsets.US_ASCII).split("\n"));
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IOException("not a saved-nonces file");
        }
        List<InMemoryNonceStore.Remembered> out = new ArrayList<>(lines.size() - 1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new IOException("malformed saved nonce");
            }
            out.add(new InMemoryNonceStore.Remembered(
                    line.substring(0, space), Long.parseLong(line.substring(space + 1))));
        }
        return out;
    }

    private static void write(Path file, List<InMemoryNonceStore.Remembered> claims) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (InMemoryNonceStore.Remembered r : claims) {
            text.append(r.key()).append(' ').append(r.expiresAtMillis()).append('\n');
        }
        KeyFiles.writeSecret(file, text.toString().getBytes(StandardCharsets.US_ASCII), true);
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
