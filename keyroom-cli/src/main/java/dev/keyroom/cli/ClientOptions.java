package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every client command shares. */
final class ClientOptions {
    @Option(names = "--server", required = true, description = "Server URL, e.g. https://127.0.0.1:8443")
    URI server;

    @Option(names = "--identity", required = true, description = "Identity file (mode 0600)")
    Path identity;

    @Option(names = "--pin", description = "SPKI pin of the server certificate: sha256/<base64>")
    String pin;

    @Option(names = "--ca", description = "PEM file of the CA that signs the server certificate")
    Path ca;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    /** Opens a client; the caller closes the identity through the returned handle. */
    Session open() throws IOException {
        if (pin != null && ca != null) {
            throw new IllegalArgumentException("give --pin or --ca, not both");
        }
        Identity id = IdentityFile.read(identity);
        KeyroomClient.Builder b = KeyroomClient.builder(server, id);
        if (pin != null) {
            b.trust(ServerTrust.pin(pin));
        } else if (ca != null) {
            b.trust(ServerTrust.ca(ca));
        }
        return new Session(id, b.build());
    }

    record Session(Identity identity, KeyroomClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            identity.close();
        }
    }
}
