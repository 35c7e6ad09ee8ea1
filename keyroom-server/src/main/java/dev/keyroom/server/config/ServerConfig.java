package dev.keyroom.server.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyroom.server.auth.AuthMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A validated server configuration: immutable, checked once at construction, with every insecure
 * combination refused and the refusal saying what to change. Defaults are in {@code
 * docs/operations.md}.
 */
public record ServerConfig(
        Path dataDir,
        String listenHost,
        int listenPort,
        boolean insecurePlaintext,
        AuthMode authMode,
        Duration skew,
        List<String> publicAuthorities,
        boolean allowCleartextRooms,
        int nonceCapacity,
        List<InetAddress> trustedProxies,
        TlsSettings tlsSettings,
        Limits limits,
        CorsSettings cors,
        dev.keyroom.core.rooms.Retention retention,
        dev.keyroom.server.bus.BusSession.Settings bus,
        int maxBusSessionsPerIdentity,
        VaultSettings vault,
        Optional<ClusterSettings> cluster,
        ReplicationSettings replication) {

    /** A backup's apply listener: its address, the replication CA, the primary site keys accepted. */
    public record ApplySettings(String host, int port, Path clientCa, List<byte[]> primaryKeys) {}

    /** A primary's backup: its apply listener's URL and certificate pin, and this site's client certificate. */
    public record PushSettings(java.net.URI backup, String backupPin, Path clientTlsDir) {}

    /** The site's role; a backup's primary (REPL-1, REPL-4). */
    public record ReplicationSettings(
            boolean backup,
            Optional<java.net.URI> primary,
            Optional<ApplySettings> apply,
            Optional<PushSettings> push) {
        public String role() {
            return backup ? "backup" : "primary";
        }
    }

    /** Cluster mode: where the NATS servers are and how this node proves itself to them. */
    public record ClusterSettings(
            List<String> natsUrls, Path caFile, Path credentialsFile, int replicas, Duration timeout) {}

    /** Versions of a secret kept (rooms may set their own) and the agents' read limits. */
    public record VaultSettings(int secretVersions, dev.keyroom.core.vault.AgentLimits.Settings agentLimits) {}

    public static final String DEFAULT_LISTEN = "127.0.0.1:8443";

    /** TLS: the lowest version accepted, an optional CA whose client certificates are required. */
    public record TlsSettings(String minVersion, Optional<Path> clientCa, Duration reloadInterval) {}

    /** Every abuse limit, with its default applied. */
    public record Limits(
            long maxJsonBodyBytes,
            long maxBlobBodyBytes,
            long inflightBudgetBytes,
            int ratePerAddress,
            int burstPerAddress,
            int ratePerIdentity,
            int burstPerIdentity,
            boolean rateLimitLoopback,
            int banAfterRefusals,
            Duration banDuration,
            int maxConnections,
            int maxConnectionsPerAddress,
            Duration idleTimeout,
            Duration headerTimeout,
            int minRequestBytesPerSecond,
            long inflightPerClientBytes,
            Duration bodyTimeout) {}

    /** CORS: enabled only when origins are listed. */
    public record CorsSettings(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders) {
        public boolean enabled() {
            return !allowedOrigins.isEmpty();
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .changeDefaultPropertyInclusion(
                    v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    /** Reads a YAML configuration file; syntax errors and unknown keys are reported as problems. */
    public static ConfigFile readFile(Path file) throws ConfigException {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
    }

    /** Parses YAML text; {@code source} names it in messages. */
    public static ConfigFile parse(String yaml, String source) throws ConfigException {
        if (yaml.isBlank()) {
            return ConfigFile.EMPTY;
        }
        try {
            ConfigFile f = YAML.readValue(yaml, ConfigFile.class);
            return f == null ? ConfigFile.EMPTY : f;
        } catch (JacksonException e) {
            throw new ConfigException(List.of("config " + source + " is invalid: " + e.getOriginalMessage()));
        }
    }

    /** Validates {@code file} for a server whose data directory is {@code dataDir}. */
    public static ServerConfig from(Path dataDir, ConfigFile file) throws ConfigException {
        List<String> problems = new ArrayList<>();
        String listen = file.listen() == null ? DEFAULT_LISTEN : file.listen();
        String host = null;
        int port = -1;
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            problems.add("listen must be HOST:PORT, e.g. " + DEFAULT_LISTEN);
        } else {
            host = listen.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    problems.add("listen port must be 0 to 65535");
                }
            } catch (NumberFormatException e) {
                problems.add("listen port must be a number");
            }
        }
        boolean loopback = host != null && isLoopback(host);
        boolean plaintext = Boolean.TRUE.equals(file.insecurePlaintext());
        if (plaintext && host != null && !loopback) {
            problems.add(
                    "insecure_plaintext is allowed only on a loopback listen address; remove it or listen on 127.0.0.1");
        }
        AuthMode mode = AuthMode.ENFORCE;
        if (file.authMode() != null) {
            try {
                mode = AuthMode.parse(file.authMode().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        int skew = or(file.skewSeconds(), 30);
        range(problems, "skew_seconds", skew, 1, 300);
        int nonces = or(file.nonceCapacity(), 1_000_000);
        range(problems, "nonce_capacity", nonces, 1_000, 50_000_000);
        List<String> authorities = or(file.publicAuthorities(), List.of());
        for (String a : authorities) {
            if (a == null || a.isBlank() || !a.equals(a.toLowerCase(Locale.ROOT)) || a.contains("/")) {
                problems.add("public_authorities entries are lowercase host[:port] values");
            }
        }
        List<InetAddress> proxies = new ArrayList<>();
        for (String p : or(file.trustedProxies(), List.<String>of())) {
            Optional<InetAddress> a = literalAddress(p);
            if (a.isEmpty()) {
                problems.add("trusted_proxies entries must be IP addresses, not names: " + p);
            } else {
                proxies.add(a.get());
            }
        }
        // Other machines reach this node when it listens beyond loopback, or through a proxy it trusts.
        boolean reachable = host != null && (!loopback || !proxies.isEmpty());
        if (mode == AuthMode.OFF && reachable) {
            problems.add("auth_mode off is allowed only on a loopback listen address without trusted_proxies;"
                    + " use enforce");
        }
        boolean softBeyondLoopback = Boolean.TRUE.equals(file.insecureSoftAuthBeyondLoopback());
        if (mode == AuthMode.SOFT && reachable && !softBeyondLoopback) {
            problems.add("auth_mode soft lets requests whose signature fails through; on a non-loopback listen"
                    + " address or behind trusted_proxies it needs insecure_soft_auth_beyond_loopback: true (or"
                    + " use enforce)");
        }
        if (softBeyondLoopback && mode != AuthMode.SOFT) {
            problems.add("insecure_soft_auth_beyond_loopback applies only with auth_mode soft; remove it");
        }
        TlsSettings tls =
                tls(file.tls() == null ? new ConfigFile.Tls(null, null, null) : file.tls(), plaintext, problems);
        Limits limits = limits(file.limits() == null ? emptyLimits() : file.limits(), problems);
        CorsSettings cors = cors(file.cors(), problems);
        ConfigFile.Messages m = file.messages() == null ? new ConfigFile.Messages(null, null) : file.messages();
        int retainCount = or(m.retainCount(), 10_000);
        range(problems, "messages.retain_count", retainCount, 1, 10_000_000);
        int retainDays = or(m.retainDays(), 30);
        range(problems, "messages.retain_days", retainDays, 1, 3650);
        ConfigFile.DataPlane dp =
                file.bus() == null ? new ConfigFile.DataPlane(null, null, null, null, null, null) : file.bus();
        int maxSubs = or(dp.maxSubscriptions(), 64);
        range(problems, "bus.max_subscriptions", maxSubs, 1, 10_000);
        int maxSessions = or(dp.maxSessionsPerIdentity(), 8);
        range(problems, "bus.max_sessions_per_identity", maxSessions, 1, 1_000);
        int maxQueued = or(dp.maxQueuedFrames(), 4096);
        range(problems, "bus.max_queued_frames", maxQueued, 16, 1_000_000);
        int authTimeout = or(dp.authTimeoutSeconds(), 10);
        range(problems, "bus.auth_timeout_seconds", authTimeout, 1, 300);
        int idleTimeout = or(dp.idleTimeoutSeconds(), 60);
        range(problems, "bus.idle_timeout_seconds", idleTimeout, 2, 3600);
        int ping = or(dp.pingSeconds(), 20);
        range(problems, "bus.ping_seconds", ping, 1, 3600);
        if (ping >= idleTimeout) {
            problems.add("bus.ping_seconds (" + ping + ") must be less than bus.idle_timeout_seconds (" + idleTimeout
                    + "), or live clients would be closed as idle");
        }
        ConfigFile.Vault v = file.vault() == null ? new ConfigFile.Vault(null, null, null, null) : file.vault();
        int versions = or(v.secretVersions(), 5);
        range(problems, "vault.secret_versions", versions, 1, 1000);
        int perMinute = or(v.agentReadsPerMinute(), 3);
        range(problems, "vault.agent_reads_per_minute", perMinute, 1, 10_000);
        int perHour = or(v.agentReadsPerHour(), 10);
        range(problems, "vault.agent_reads_per_hour", perHour, 1, 100_000);
        int lockHours = or(v.agentLockHours(), 2);
        range(problems, "vault.agent_lock_hours", lockHours, 1, 24 * 30);
        ReplicationSettings replication = replication(file.replication(), problems);
        if (replication.apply().isPresent() && plaintext) {
            problems.add("the replication listener needs TLS (mutual TLS, REPL-3); remove insecure_plaintext");
        }
        Optional<ClusterSettings> cluster = file.cluster() == null
                ? Optional.empty()
                : Optional.of(cluster(file.cluster(), mode, plaintext, problems));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ServerConfig(
                dataDir,
                host,
                port,
                plaintext,
                mode,
                Duration.ofSeconds(skew),
                List.copyOf(authorities),
                Boolean.TRUE.equals(file.allowCleartextRooms()),
                nonces,
                List.copyOf(proxies),
                tls,
                limits,
                cors,
                new dev.keyroom.core.rooms.Retention(retainCount, Duration.ofDays(retainDays)),
                new dev.keyroom.server.bus.BusSession.Settings(
                        maxSubs,
                        maxQueued,
                        Duration.ofSeconds(authTimeout),
                        Duration.ofSeconds(ping),
                        Duration.ofSeconds(idleTimeout)),
                maxSessions,
                new VaultSettings(
                        versions,
                        new dev.keyroom.core.vault.AgentLimits.Settings(
                                perMinute, perHour, Duration.ofHours(lockHours))),
                cluster,
                replication);
    }

    /** REPL-1: the role comes from the config file only; a backup must say where its primary is. */
    private static ReplicationSettings replication(ConfigFile.Replication r, List<String> problems) {
        if (r == null) {
            return new ReplicationSettings(false, Optional.empty(), Optional.empty(), Optional.empty());
        }
        boolean backup = "backup".equals(r.role());
        if (r.role() != null && !backup && !r.role().equals("primary")) {
            problems.add("replication.role must be primary (default) or backup");
        }
        Optional<java.net.URI> primary = Optional.empty();
        if (backup) {
            primary = httpsUrl(r.primaryUrl());
            if (primary.isEmpty()) {
                problems.add(
                        "replication.primary_url must be the primary's https:// URL, e.g. https://primary.example:8443");
            }
        } else if (r.primaryUrl() != null) {
            problems.add("replication.primary_url is for a backup; remove it or set replication.role: backup");
        }
        Optional<ApplySettings> apply = Optional.empty();
        if (r.listen() != null || r.clientCa() != null || r.primaryKeys() != null) {
            // A promoted site keeps its apply listener: it applies nothing, and a former primary that comes
            // back learns there that it is fenced (REPL-7).
            String[] hp = r.listen() == null ? new String[0] : r.listen().split(":(?=[0-9]+$)");
            Path ca = r.clientCa() == null ? null : Path.of(r.clientCa());
            List<byte[]> keys = new ArrayList<>();
            for (String k : or(r.primaryKeys(), List.<String>of())) {
                try {
                    byte[] key = dev.keyroom.core.crypto.Base64Url.decode(k, "primary key");
                    dev.keyroom.core.crypto.Ed25519.requireValidPublicKey(key);
                    keys.add(key);
                } catch (RuntimeException e) {
                    problems.add("replication.primary_keys entries are Ed25519 public keys in base64url: " + k);
                }
            }
            if (hp.length != 2 || ca == null || !Files.isReadable(ca) || keys.isEmpty()) {
                problems.add("a fed backup needs replication.listen (HOST:PORT), a readable replication.client_ca"
                        + " (the replication CA) and at least one replication.primary_keys entry");
            } else {
                apply = Optional.of(new ApplySettings(hp[0], Integer.parseInt(hp[1]), ca, List.copyOf(keys)));
            }
        }
        Optional<PushSettings> push = Optional.empty();
        if (r.backupUrl() != null || r.backupPin() != null || r.clientTlsDir() != null) {
            if (backup) {
                problems.add("replication.backup_url is for a primary: a backup never replicates onward (REPL-4)");
            }
            Optional<java.net.URI> url = httpsUrl(r.backupUrl());
            Path dir = r.clientTlsDir() == null ? null : Path.of(r.clientTlsDir());
            if (url.isEmpty()
                    || r.backupPin() == null
                    || !r.backupPin().startsWith("sha256/")
                    || dir == null
                    || !Files.isDirectory(dir)) {
                problems.add(
                        "a primary that feeds a backup needs replication.backup_url (https://), replication.backup_pin"
                                + " (sha256/...) and replication.client_tls_dir (key.pem and cert.pem from the replication CA)");
            } else {
                push = Optional.of(new PushSettings(url.get(), r.backupPin(), dir));
            }
        }
        return new ReplicationSettings(backup, primary, apply, push);
    }

    private static Optional<java.net.URI> httpsUrl(String value) {
        try {
            java.net.URI u = value == null ? null : new java.net.URI(value);
            return u != null && "https".equals(u.getScheme()) && u.getHost() != null
                    ? Optional.of(u)
                    : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * CL-1 and TLS-3: a clustered node enforces authentication, serves clients over TLS, and reaches
     * NATS over TLS with a pinned CA and credentials read from a file only its owner can read.
     */
    private static ClusterSettings cluster(
            ConfigFile.Cluster c, AuthMode mode, boolean plaintext, List<String> problems) {
        if (mode != AuthMode.ENFORCE) {
            problems.add("cluster mode needs auth_mode enforce (CL-1); it is " + mode.wireName());
        }
        if (plaintext) {
            problems.add("cluster mode needs TLS for clients (CL-1); remove insecure_plaintext");
        }
        List<String> urls = or(c.natsUrls(), List.<String>of());
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
                dev.keyroom.core.crypto.KeyFiles.requireOwnerOnly(creds);
            } catch (IOException e) {
                problems.add("cluster.credentials_file: " + e.getMessage());
            }
        }
        int replicas = or(c.replicas(), 3);
        range(problems, "cluster.replicas", replicas, 1, 5);
        int timeout = or(c.timeoutMs(), 2000);
        range(problems, "cluster.timeout_ms", timeout, 100, 60_000);
        return new ClusterSettings(
                urls.stream().filter(java.util.Objects::nonNull).toList(),
                ca,
                creds,
                replicas,
                Duration.ofMillis(timeout));
    }

    private static ConfigFile.Limits emptyLimits() {
        return new ConfigFile.Limits(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static TlsSettings tls(ConfigFile.Tls t, boolean plaintext, List<String> problems) {
        String min = or(t.minVersion(), "1.3");
        if (!min.equals("1.3") && !min.equals("1.2")) {
            problems.add("tls.min_version must be \"1.3\" (default) or \"1.2\"");
        }
        Optional<Path> ca = Optional.ofNullable(t.clientCa()).map(Path::of);
        if (ca.isPresent() && !Files.isReadable(ca.get())) {
            problems.add("tls.client_ca " + ca.get() + " is not a readable file");
        }
        if (ca.isPresent() && plaintext) {
            problems.add("tls.client_ca needs TLS; remove insecure_plaintext");
        }
        int reload = or(t.reloadSeconds(), 10);
        range(problems, "tls.reload_seconds", reload, 1, 3600);
        return new TlsSettings(min, ca, Duration.ofSeconds(reload));
    }

    private static Limits limits(ConfigFile.Limits l, List<String> problems) {
        long json = or(l.maxJsonBodyBytes(), 1L << 20);
        range(problems, "limits.max_json_body_bytes", json, 1024, 1L << 20);
        long blob = or(l.maxBlobBodyBytes(), 16L << 20);
        range(problems, "limits.max_blob_body_bytes", blob, 1024, 16L << 20);
        long budget = or(l.inflightBudgetBytes(), 128L << 20);
        range(problems, "limits.inflight_budget_bytes", budget, Math.max(json, blob), 16L << 30);
        int rate = or(l.ratePerAddress(), 20);
        range(problems, "limits.rate_per_address", rate, 1, 100_000);
        int burst = or(l.burstPerAddress(), 40);
        range(problems, "limits.burst_per_address", burst, 1, 1_000_000);
        int idRate = or(l.ratePerIdentity(), 50);
        range(problems, "limits.rate_per_identity", idRate, 1, 100_000);
        int idBurst = or(l.burstPerIdentity(), 100);
        range(problems, "limits.burst_per_identity", idBurst, 1, 1_000_000);
        int banAfter = or(l.banAfterRefusals(), 200);
        range(problems, "limits.ban_after_refusals", banAfter, 1, 1_000_000);
        int banSeconds = or(l.banSeconds(), 900);
        range(problems, "limits.ban_seconds", banSeconds, 1, 30 * 86400);
        int maxConn = or(l.maxConnections(), 10_000);
        range(problems, "limits.max_connections", maxConn, 1, 1_000_000);
        int perAddr = or(l.maxConnectionsPerAddress(), 64);
        range(problems, "limits.max_connections_per_address", perAddr, 1, maxConn);
        int idle = or(l.idleTimeoutSeconds(), 30);
        range(problems, "limits.idle_timeout_seconds", idle, 1, 3600);
        int header = or(l.headerTimeoutSeconds(), 10);
        range(problems, "limits.header_timeout_seconds", header, 1, 600);
        int minRate = or(l.minRequestBytesPerSecond(), 1024);
        range(problems, "limits.min_request_bytes_per_second", minRate, 0, 1 << 30);
        long perClient = or(l.inflightPerClientBytes(), Math.min(32L << 20, budget));
        range(problems, "limits.inflight_per_client_bytes", perClient, Math.max(json, blob), budget);
        int bodyTimeout = or(l.bodyTimeoutSeconds(), 120);
        range(problems, "limits.body_timeout_seconds", bodyTimeout, 1, 3600);
        return new Limits(
                json,
                blob,
                budget,
                rate,
                burst,
                idRate,
                idBurst,
                Boolean.TRUE.equals(l.rateLimitLoopback()),
                banAfter,
                Duration.ofSeconds(banSeconds),
                maxConn,
                perAddr,
                Duration.ofSeconds(idle),
                Duration.ofSeconds(header),
                minRate,
                perClient,
                Duration.ofSeconds(bodyTimeout));
    }

    private static CorsSettings cors(ConfigFile.Cors c, List<String> problems) {
        if (c == null) {
            return new CorsSettings(List.of(), List.of(), List.of());
        }
        List<String> origins = or(c.allowedOrigins(), List.<String>of());
        for (String o : origins) {
            if (o == null || o.contains("*") || !(o.startsWith("https://") || o.startsWith("http://"))) {
                problems.add(
                        "cors.allowed_origins entries are explicit origins like https://app.example.com (no wildcards)");
            }
        }
        List<String> methods = or(c.allowedMethods(), List.<String>of());
        if (!origins.isEmpty() && methods.isEmpty()) {
            problems.add("cors.allowed_methods must list the methods when cors.allowed_origins is set");
        }
        List<String> headers = or(c.allowedHeaders(), List.<String>of());
        for (String h : headers) {
            if (h == null || h.contains("*")) {
                problems.add("cors.allowed_headers entries are explicit header names (no wildcards)");
            }
        }
        return new CorsSettings(List.copyOf(origins), List.copyOf(methods), List.copyOf(headers));
    }

    private static <T> T or(T value, T dflt) {
        return value == null ? dflt : value;
    }

    private static void range(List<String> problems, String name, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(name + " must be " + min + " to " + max);
        }
    }

    /**
     * What an operator must hear at every start and from {@code keyroom config check}: each way this
     * configuration weakens authentication (AUTH-1, AUTH-5). Empty for the defaults.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>(authWarnings());
        if (publicAuthorities.isEmpty()
                && literalAddress(listenHost)
                        .map(InetAddress::isAnyLocalAddress)
                        .orElse(false)) {
            out.add("listening on every interface without public_authorities: signed requests are taken for"
                    + " any address of this machine and any name in its certificate, which another deployment"
                    + " on the same private addresses shares; list the names clients use in public_authorities");
        }
        return out;
    }

    private List<String> authWarnings() {
        return switch (authMode) {
            case ENFORCE -> List.of();
            case SOFT ->
                List.of("auth_mode soft: a request whose signature fails is logged and audited, then let through"
                        + " as the identity it claims"
                        + (loopbackOnly() && trustedProxies.isEmpty()
                                ? ""
                                : ", from other machines too (insecure_soft_auth_beyond_loopback)")
                        + "; use enforce");
            case OFF ->
                List.of("auth_mode off: no request is authenticated, any local caller acts as the identity it"
                        + " names; use enforce");
        };
    }

    /** Whether the server listens on loopback only. */
    public boolean loopbackOnly() {
        return isLoopback(listenHost);
    }

    /** Cleartext rooms need a loopback-only server or the explicit allow flag (AZ-8). */
    public boolean cleartextRoomsAllowed() {
        return loopbackOnly() || allowCleartextRooms;
    }

    public boolean tls() {
        return !insecurePlaintext;
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}" + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /**
     * The address of an IP literal: four decimal octets, or IPv6 (no zone); empty for anything else,
     * names included, which could resolve anywhere. Never asks DNS: a name made of hex digits and
     * dots ({@code c0ffee.cafe}) is a name, and the JDK parses a string with a colon as IPv6 only.
     */
    public static Optional<InetAddress> literalAddress(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        boolean v6 = host.indexOf(':') >= 0
                && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!v6 && !IPV4.matcher(host).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        return literalAddress(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }
}
