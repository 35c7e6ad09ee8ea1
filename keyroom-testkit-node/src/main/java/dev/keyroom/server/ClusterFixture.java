package dev.keyroom.server;

import static org.awaitility.Awaitility.await;

import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.testkit.FreePorts;
import dev.keyroom.testkit.NatsServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Two Keyroom nodes, A and B, over one three-server NATS JetStream cluster on loopback, as an
 * operator would set them up: NATS with TLS and a password read from a file; A's data directory
 * initialised and migrated into the empty cluster; B given A's keyring and admin identity. Both
 * nodes list both their addresses as public authorities, as nodes behind one name would.
 */
public final class ClusterFixture implements AutoCloseable {
    public final NatsServers nats;
    public final Path caFile;
    public final Path credentials;
    public final String yaml;
    public final Migration.Report seeded;
    public TestNode a;
    public TestNode b;

    private ClusterFixture(NatsServers nats, Path caFile, Path credentials, String yaml, Migration.Report seeded) {
        this.nats = nats;
        this.caFile = caFile;
        this.credentials = credentials;
        this.yaml = yaml;
        this.seeded = seeded;
    }

    /** NATS servers that take TLS and a password only, with the files a node needs to reach them. */
    public record SecuredNats(NatsServers servers, Path caFile, Path credentials) implements AutoCloseable {
        /** The cluster section of a node's config for these servers and files. */
        public String yaml(int replicas) {
            return "cluster:\n"
                    + "  nats_urls: [" + String.join(", ", servers.urls()) + "]\n"
                    + "  ca_file: " + caFile + "\n"
                    + "  credentials_file: " + credentials + "\n"
                    + "  replicas: " + replicas + "\n"
                    + "  timeout_ms: 2000\n";
        }

        @Override
        public void close() {
            servers.close();
        }
    }

    /** Starts {@code size} routed NATS servers with a self-signed certificate and a random password. */
    public static SecuredNats securedNats(Path dir, int size) throws Exception {
        Path natsTls = dir.resolve("nats-tls");
        TlsMaterial.selfSigned(List.of("127.0.0.1", "localhost"), TestNode.RANDOM)
                .write(natsTls);
        String password = Long.toHexString(TestNode.RANDOM.nextLong()) + Long.toHexString(TestNode.RANDOM.nextLong());
        Path creds = dir.resolve("nats.credentials");
        KeyFiles.writeSecret(creds, ("keyroom:" + password).getBytes(StandardCharsets.UTF_8), false);
        NatsServers nats = NatsServers.cluster(
                dir.resolve("nats"),
                size,
                new NatsServers.Security(
                        natsTls.resolve(TlsMaterial.CERT_FILE),
                        natsTls.resolve(TlsMaterial.KEY_FILE),
                        "keyroom",
                        password));
        return new SecuredNats(nats, natsTls.resolve(TlsMaterial.CERT_FILE), creds);
    }

    public static ClusterFixture start(Path dir) throws Exception {
        return start(dir, "");
    }

    /** What a test does once the cluster holds its first state and before its nodes start. */
    @FunctionalInterface
    public interface BeforeNodes {
        void run(ServerConfig nodeConfig) throws Exception;
    }

    /** As above, with {@code extraYaml} added to both nodes' configuration (load generators lift limits). */
    public static ClusterFixture start(Path dir, String extraYaml) throws Exception {
        return start(dir, extraYaml, config -> {});
    }

    /** As above, running {@code beforeNodes} with node A's configuration before the nodes start. */
    public static ClusterFixture start(Path dir, String extraYaml, BeforeNodes beforeNodes) throws Exception {
        return start(dir, extraYaml, beforeNodes, "", "");
    }

    /**
     * As above, with {@code yamlA} and {@code yamlB} added to node A's and node B's configuration
     * only. A data directory {@code dir/a} that holds a store already is migrated as it is.
     */
    public static ClusterFixture start(Path dir, String extraYaml, BeforeNodes beforeNodes, String yamlA, String yamlB)
            throws Exception {
        SecuredNats secured = securedNats(dir, 3);
        NatsServers nats = secured.servers();
        Path creds = secured.credentials();
        try {
            int[] ports = FreePorts.take(2);
            int portA = ports[0];
            int portB = ports[1];
            String yaml = "public_authorities: [\"127.0.0.1:" + portA + "\", \"127.0.0.1:" + portB + "\"]\n"
                    + secured.yaml(3)
                    + extraYaml;

            Path dirA = dir.resolve("a");
            new DataDir(dirA).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
            ServerConfig seedConfig = ServerConfig.from(dirA, ServerConfig.parse(yaml, "test"));
            Migration.Report[] report = new Migration.Report[1];
            // A new cluster elects its JetStream leader in the first seconds.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                report[0] = Migration.sqliteToJetStream(seedConfig, dirA);
                return true;
            });
            Path dirB = dir.resolve("b");
            Files.createDirectories(dirB);
            for (String f : List.of("keyring", "admin.identity")) {
                Files.copy(dirA.resolve(f), dirB.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
            }
            new DataDir(dirB).init(Optional.of(dirB.resolve("admin.identity")), Clock.system(), TestNode.RANDOM);
            beforeNodes.run(
                    ServerConfig.from(dirA, ServerConfig.parse("listen: 127.0.0.1:" + portA + "\n" + yaml, "test")));
            ClusterFixture f = new ClusterFixture(nats, secured.caFile(), creds, yaml, report[0]);
            try {
                f.yamlOfA = "listen: 127.0.0.1:" + portA + "\n" + yaml + yamlA;
                f.a = TestNode.start(dirA, f.yamlOfA);
                f.b = TestNode.start(dirB, "listen: 127.0.0.1:" + portB + "\n" + yaml + yamlB);
            } catch (Exception | Error e) {
                f.close();
                throw e;
            }
            return f;
        } catch (Exception | Error e) {
            nats.close();
            throw e;
        }
    }

    /** Node A's whole configuration, to start it again as it was. */
    private String yamlOfA;

    /** Stops node A and starts it again on the same data directory, port and configuration. */
    public void restartA() throws Exception {
        Path dirA = a.dir;
        a.close();
        a = TestNode.start(dirA, yamlOfA);
    }

    /** A connection to the NATS cluster as a node makes it (TLS, the password from the file). */
    public io.nats.client.Connection connect() throws Exception {
        return dev.keyroom.store.nats.NatsConnections.connect(
                List.of(nats.urls()), caFile, credentials, Duration.ofSeconds(2), "test");
    }

    @Override
    public void close() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            nats.close();
        }
    }
}
