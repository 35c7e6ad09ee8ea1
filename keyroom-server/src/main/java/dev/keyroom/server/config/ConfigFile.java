package dev.keyroom.server.config;

import java.util.List;

/**
 * The YAML configuration file as written; every field optional, unknown keys refused. Secrets are
 * never inlined here: key material lives in files of the data directory, referenced by path.
 * {@code docs/operations.md} describes every setting and its default.
 */
public record ConfigFile(
        String listen,
        Boolean insecurePlaintext,
        String authMode,
        Boolean insecureSoftAuthBeyondLoopback,
        Integer skewSeconds,
        List<String> publicAuthorities,
        Boolean allowCleartextRooms,
        Integer nonceCapacity,
        List<String> trustedProxies,
        Tls tls,
        Limits limits,
        Cors cors,
        Messages messages,
        DataPlane bus,
        Vault vault,
        Cluster cluster,
        Replication replication,
        Metrics metrics,
        Log log,
        Console console) {

    /** A file that sets nothing: every default applies. */
    public static final ConfigFile EMPTY = ConfigYaml.file(java.util.Map.of());

    /**
     * The site's role (REPL-1): {@code primary} (default) or {@code backup}, read from this file
     * only; a backup names its primary, where clients are sent for writes. A backup that is fed
     * also has its apply listener ({@code listen}, {@code client_ca}: the replication CA, {@code
     * primary_keys}: the primary site keys it accepts); a primary that feeds a backup names it
     * ({@code backup_url}, {@code backup_pin}) and the directory of its client certificate
     * ({@code client_tls_dir}: {@code key.pem} and {@code cert.pem}).
     */
    public record Replication(
            String role,
            String primaryUrl,
            String listen,
            String clientCa,
            List<String> primaryKeys,
            String backupUrl,
            String backupPin,
            String clientTlsDir) {}

    /**
     * Cluster mode on NATS JetStream: the servers ({@code tls://} URLs), the CA that signed their
     * certificates, a file holding the NATS credentials, copies kept of everything, and the time a
     * call to the cluster may take.
     */
    public record Cluster(
            List<String> natsUrls, String caFile, String credentialsFile, Integer replicas, Integer timeoutMs) {}

    /** The admin console's own TLS listener ({@code listen}; off without it) and the origins browsers use. */
    public record Console(String listen, List<String> origins) {}

    /** Data-plane limits (DOS-6). */
    public record DataPlane(
            Integer maxSubscriptions,
            Integer maxSessionsPerIdentity,
            Integer maxQueuedFrames,
            Integer authTimeoutSeconds,
            Integer pingSeconds,
            Integer idleTimeoutSeconds) {}

    /** The vault: versions kept, and how many distinct secrets an agent may read (AZ-6). */
    public record Vault(
            Integer secretVersions, Integer agentReadsPerMinute, Integer agentReadsPerHour, Integer agentLockHours) {}

    /** The Prometheus listener: {@code listen} (IP:PORT, loopback unless {@code insecure_beyond_loopback}). */
    public record Metrics(String listen, Boolean insecureBeyondLoopback) {}

    /** The server's log: level (error, warn, info, debug) and format (json or text). */
    public record Log(String level, String format) {}

    /** Message history kept per room. */
    public record Messages(Integer retainCount, Integer retainDays) {}

    /** TLS settings. */
    public record Tls(String minVersion, String clientCa, Integer reloadSeconds) {}

    /** Abuse limits; see {@code docs/operations.md}. */
    public record Limits(
            Long maxJsonBodyBytes,
            Long maxBlobBodyBytes,
            Long inflightBudgetBytes,
            Integer ratePerAddress,
            Integer burstPerAddress,
            Integer ratePerIdentity,
            Integer burstPerIdentity,
            Boolean rateLimitLoopback,
            Integer banAfterRefusals,
            Integer banSeconds,
            Integer maxConnections,
            Integer maxConnectionsPerAddress,
            Integer idleTimeoutSeconds,
            Integer headerTimeoutSeconds,
            Integer minRequestBytesPerSecond,
            Long inflightPerClientBytes,
            Integer bodyTimeoutSeconds) {}

    /** Cross-origin access for browsers: off unless origins are listed. */
    public record Cors(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders) {}

    /** The command-line flags a server takes, as a file to lay over the real one; a null flag sets nothing. */
    public static ConfigFile flags(
            String listen, Boolean insecurePlaintext, String authMode, Boolean allowCleartextRooms) {
        java.util.Map<String, Object> set = new java.util.HashMap<>();
        set.put("listen", listen);
        set.put("insecure_plaintext", insecurePlaintext);
        set.put("auth_mode", authMode);
        set.put("allow_cleartext_rooms", allowCleartextRooms);
        set.values().removeIf(java.util.Objects::isNull);
        return ConfigYaml.file(set);
    }

    /** This file with every setting {@code o} gives put over it (sections are replaced whole). */
    public ConfigFile overriddenBy(ConfigFile o) {
        java.util.Map<String, Object> merged = new java.util.HashMap<>(ConfigYaml.settings(this));
        merged.putAll(ConfigYaml.settings(o));
        return ConfigYaml.file(merged);
    }
}
