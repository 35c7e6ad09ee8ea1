package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.or;

import dev.keyroom.core.crypto.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Cluster mode (the {@code cluster:} section): where the NATS servers are and how this node proves
 * itself to them.
 */
public record ClusterSettings(
        List<String> natsUrls, Path caFile, Path credentialsFile, int replicas, Duration timeout) {

    /**
     * CL-1 and TLS-3: a clustered node enforces authentication, serves clients over TLS, and reaches
     * NATS over TLS with a pinned CA and credentials read from a file only its owner can read.
     */
    static ClusterSettings from(ConfigFile.Cluster c, AuthMode mode, boolean plaintext, Problems problems) {
        if (mode != AuthMode.ENFORCE) {
            problems.add("cluster mode needs auth_mode enforce (CL-1); it is " + mode.wireName());
        }
        if (plaintext) {
            problems.add("cluster mode needs TLS for clients (CL-1); remove insecure_plaintext");
        }
        List<String> urls = or(c.natsUrls(), List.of());
        if (urls.isEmpty()) {
            problems.add("cluster.nats_urls must list the NATS servers, e.g. [tls://nats-1:4222]");
        }
        for (String u : urls) {
            if (u == null || !u.startsWith("tls://")) {
                problems.add("cluster.nats_urls entries must be tls:// URLs (CL-1, TLS-3): " + u);
            }
        }
        Path ca = null;
        if (c.caFile() == null || !Files.isReadable(Path.of(c.caFile()))) {
            problems.add("cluster.ca_file must be a readable PEM file with the CA of the NATS servers");
        } else {
            ca = Path.of(c.caFile());
        }
        Path creds = null;
        if (c.credentialsFile() == null || !Files.isReadable(Path.of(c.credentialsFile()))) {
            problems.add("cluster.credentials_file must be a readable file with this node's NATS credentials"
                    + " (TLS-3: never inline in the config)");
        } else {
            creds = Path.of(c.credentialsFile());
            try {
                KeyFiles.requireOwnerOnly(creds);
            } catch (IOException e) {
                problems.add("cluster.credentials_file: " + e.getMessage());
            }
        }
        return new ClusterSettings(
                urls.stream().filter(Objects::nonNull).toList(),
                ca,
                creds,
                problems.within("cluster.replicas", c.replicas(), 3, 1, 5),
                Duration.ofMillis(problems.within("cluster.timeout_ms", c.timeoutMs(), 2000, 100, 60_000)));
    }
}
