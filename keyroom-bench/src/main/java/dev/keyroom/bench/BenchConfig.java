package dev.keyroom.bench;

import dev.keyroom.server.config.ConfigException;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;

/** The node a load generator drives in process. */
final class BenchConfig {
    private BenchConfig() {}

    /**
     * Plaintext on a free loopback port (so TLS does not hide what is measured), with the one
     * identity driving the load lifted to 100000 requests a second, so its limit is evaluated but
     * never refuses; {@code extraYaml} adds sections.
     */
    static ServerConfig loopbackNode(Path dir, String extraYaml) throws ConfigException {
        return ServerConfig.from(
                dir,
                ServerConfig.parse(
                        "listen: 127.0.0.1:0\ninsecure_plaintext: true\n"
                                + "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n" + extraYaml,
                        "bench"));
    }
}
