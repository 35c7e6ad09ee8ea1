package dev.keyroom.server;

import dev.keyroom.core.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;

/**
 * The node's own signing key ({@code server.identity}): it signs audit checkpoints and, on a primary,
 * what it sends its backup; its public half names the site. Read once, when first needed (reading
 * it initialises JSON parsing, which a start should not wait for), and closed with the node.
 */
final class ServerKey implements AutoCloseable {
    private final DataDir dir;
    private final SecureRandom random;
    private Identity key;
    private boolean closed;

    ServerKey(DataDir dir, SecureRandom random) {
        this.dir = dir;
        this.random = random;
    }

    /** The key, read (or made, on a new data directory) at the first call; owned by this. */
    synchronized Identity get() {
        if (closed) {
            throw new IllegalStateException("the node has stopped");
        }
        if (key == null) {
            try {
                key = dir.loadOrCreateServerIdentity(random);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + dir.serverIdentity(), e);
            }
        }
        return key;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (key != null) {
            key.close();
        }
    }
}
