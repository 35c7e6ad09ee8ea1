package dev.keyroom.bench;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The node a load generator drives in process, in a fresh scratch directory, with its first admin
 * identity: plaintext on a free loopback port (so TLS does not hide what is measured), or with TLS
 * and its generated certificate ({@link #startTls}, for clients that speak only TLS with a pin),
 * each identity lifted to 100000 requests a second, so its limit is evaluated but never refuses.
 * Closing it stops the node.
 */
record BenchNode(Path dir, KeyroomServer server, Identity admin) implements AutoCloseable {
    private static final String PLAINTEXT = "insecure_plaintext: true\n";

    /** {@code extraYaml} adds sections to the config file. */
    static BenchNode start(String scratchPrefix, String extraYaml) throws Exception {
        return start(scratchPrefix, PLAINTEXT + extraYaml, KeyroomServer::start);
    }

    /** As {@link #start(String, String)}, over TLS: clients trust it by {@link #pin()}. */
    static BenchNode startTls(String scratchPrefix, String extraYaml) throws Exception {
        return start(scratchPrefix, extraYaml, KeyroomServer::start);
    }

    /** As above, with the audit trail made by {@code audit} (to measure what auditing costs). */
    static BenchNode start(String scratchPrefix, String extraYaml, KeyroomServer.AuditFactory audit) throws Exception {
        return start(
                scratchPrefix,
                PLAINTEXT + extraYaml,
                config -> KeyroomServer.start(config, Clock.system(), new SecureRandom(), audit));
    }

    private interface Starter {
        KeyroomServer start(ServerConfig config) throws Exception;
    }

    private static BenchNode start(String scratchPrefix, String extraYaml, Starter starter) throws Exception {
        Path dir = ScratchDir.create(scratchPrefix);
        ServerConfig config = ServerConfig.from(
                dir,
                ServerConfig.parse(
                        "listen: 127.0.0.1:0\n" + "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n"
                                + extraYaml,
                        "bench"));
        KeyroomServer server = starter.start(config);
        try {
            return new BenchNode(dir, server, IdentityFile.read(new DataDir(dir).adminIdentity()));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** The SPKI pin of the node's certificate; only for a node started with {@link #startTls}. */
    String pin() {
        return server.pin().orElseThrow(() -> new IllegalStateException("this bench node has no TLS"));
    }

    @Override
    public void close() {
        admin.close();
        server.close();
    }
}
