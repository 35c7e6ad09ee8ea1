package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every client command shares. Each not given on the command line comes from its
 * environment variable or else from the profile {@code keyroom login} saved ({@link Profiles}).
 */
final class ClientOptions {
    @Option(
            names = "--server",
            description = "Server URL, e.g. https://127.0.0.1:8443 (or KEYROOM_SERVER, or the profile)")
    URI server;

    @Option(names = "--identity", description = "Identity file, mode 0600 (or KEYROOM_IDENTITY, or the profile)")
    Path identity;

    @Mixin
    TrustOptions trust;

    @Mixin
    JsonOption output;

    /** Opens a client; the caller closes the identity through the returned handle. */
    Session open() throws IOException {
        if (server == null) {
            throw new CliFailure(
                    CliFailure.Code.USAGE,
                    "no server given",
                    "pass --server URL, set KEYROOM_SERVER, or save a profile with 'keyroom login'");
        }
        if (identity == null) {
            throw new CliFailure(
                    CliFailure.Code.USAGE,
                    "no identity given",
                    "pass --identity FILE, set KEYROOM_IDENTITY, or save a profile with 'keyroom login'");
        }
        if (server.getScheme() == null || !server.getScheme().matches("https?") || server.getHost() == null) {
            throw new CliFailure(
                    CliFailure.Code.USAGE,
                    "--server must be a URL such as https://127.0.0.1:8443, not '" + server + "'",
                    null);
        }
        return connect(server, identity, trust);
    }

    /** A client for {@code server} as {@code identity}, trusting the server as {@code trust} says. */
    static Session connect(URI server, Path identity, TrustOptions trust) throws IOException {
        trust.check();
        Identity id = readIdentity(identity);
        return new Session(
                id, KeyroomClient.builder(server, id).trust(trust.trust()).build());
    }

    /** Reads an identity file, saying what is wrong with it in the CLI's words. */
    static Identity readIdentity(Path file) throws IOException {
        try {
            return IdentityFile.read(file);
        } catch (NoSuchFileException e) {
            throw new CliFailure(
                    CliFailure.Code.IDENTITY_MISSING,
                    "no identity file at " + file,
                    "check --identity; 'keyroom keygen --out FILE' makes one, 'keyroom server' writes"
                            + " DATA/admin.identity",
                    e);
        } catch (KeyFiles.InsecureKeyFileException e) {
            // A public-keys file (keygen --json's output) is readable by all, and is not an identity.
            if (!java.nio.file.Files.readString(file).contains("\"sign_seed\"")) {
                throw notAnIdentity(file, "it holds no private key", e);
            }
            throw new CliFailure(CliFailure.Code.IDENTITY_INSECURE, e.getMessage(), "chmod 600 " + file, e);
        } catch (IOException e) {
            throw notAnIdentity(file, e.getMessage(), e);
        }
    }

    private static CliFailure notAnIdentity(Path file, String why, IOException cause) {
        return new CliFailure(
                CliFailure.Code.IDENTITY_INVALID,
                file + " is not an identity file (" + why + ")",
                "give the file 'keyroom keygen --out' wrote (mode 0600), not the public keys it printed",
                cause);
    }

    record Session(Identity identity, KeyroomClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            identity.close();
        }
    }
}
