package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every client command shares. */
final class ClientOptions {
    @Option(names = "--server", required = true, description = "Server URL, e.g. https://127.0.0.1:8443")
    URI server;

    @Option(names = "--identity", required = true, description = "Identity file (mode 0600)")
    Path identity;

    @Mixin
    TrustOptions trust;

    @Mixin
    JsonOption output;

    /** Opens a client; the caller closes the identity through the returned handle. */
    Session open() throws IOException {
        trust.check();
        Identity id = IdentityFile.read(identity);
        return new Session(
                id, KeyroomClient.builder(server, id).trust(trust.trust()).build());
    }

    record Session(Identity identity, KeyroomClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            identity.close();
        }
    }
}
