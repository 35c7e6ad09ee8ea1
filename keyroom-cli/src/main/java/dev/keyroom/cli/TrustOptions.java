package dev.keyroom.cli;

import dev.keyroom.client.ServerTrust;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a client command trusts the server's certificate: by an SPKI pin, by a CA, or, when neither
 * is given, by the system trust store; one of the SDK's {@link ServerTrust}s.
 */
final class TrustOptions {
    @Option(names = "--pin", description = "SPKI pin of the server certificate: sha256/<base64>")
    String pin;

    @Option(names = "--ca", description = "PEM file of the CA that signs the server certificate")
    Path ca;

    /** Refuses both at once, before anything is read. */
    void check() {
        if (pin != null && ca != null) {
            throw new IllegalArgumentException("give --pin or --ca, not both");
        }
    }

    /** The trust these options name. */
    ServerTrust trust() throws IOException {
        if (pin != null) {
            return ServerTrust.pin(pin);
        }
        return ca != null ? ServerTrust.ca(ca) : ServerTrust.system();
    }
}
