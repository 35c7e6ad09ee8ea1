package dev.keyroom.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The gateway's configuration: its data directory's {@code gateway.yaml}, every key optional but
 * {@code server}, unknown keys refused, with flags laid over it. Holds no secret: the credentials the
 * gateway injects come from the vault, never from a file or the environment.
 *
 * @param server the Keyroom server's URL
 * @param serverPin the server certificate's SPKI pin ({@code sha256/...}) when it is not publicly trusted
 * @param listen {@code host:port} of the proxy listener (default {@code 127.0.0.1:8480})
 * @param tls whether agents reach the listener over TLS, with a certificate from the gateway's CA:
 *     always beyond loopback, on loopback when asked
 * @param tlsNames further names and addresses the listener's certificate holds
 * @param publicAuthorities the {@code host:port} agents sign for, when they reach the gateway by another name
 */
public record GatewayConfig(
        URI server,
        String serverPin,
        String listen,
        boolean tls,
        List<String> tlsNames,
        List<String> publicAuthorities,
        Duration sessionMaxTtl,
        Duration pollInterval,
        Duration maxStaleness,
        long maxRequestBytes,
        Duration upstreamTimeout,
        int maxInFlight,
        int maxInFlightPerAgent,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration headerTimeout,
        Duration idleTimeout) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8480";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .changeDefaultPropertyInclusion(
                    v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    /** The file as written: strings, so that durations read as people write them ({@code 15m}). */
    public record File(
            String server,
            String serverPin,
            String listen,
            Boolean tls,
            List<String> tlsNames,
            List<String> publicAuthorities,
            String sessionMaxTtl,
            String pollInterval,
            String maxStaleness,
            Long maxRequestBytes,
            String upstreamTimeout,
            Integer maxInFlight,
            Integer maxInFlightPerAgent,
            Integer maxConnections,
            Integer maxConnectionsPerAddress,
            String headerTimeout,
            String idleTimeout) {

        /** This file with the non-null values of {@code over} laid on top. */
        public File with(File over) {
            return new File(
                    pick(over.server, server),
                    pick(over.serverPin, serverPin),
                    pick(over.listen, listen),
                    pick(over.tls, tls),
                    pick(over.tlsNames, tlsNames),
                    pick(over.publicAuthorities, publicAuthorities),
                    pick(over.sessionMaxTtl, sessionMaxTtl),
                    pick(over.pollInterval, pollInterval),
                    pick(over.maxStaleness, maxStaleness),
                    pick(over.maxRequestBytes, maxRequestBytes),
                    pick(over.upstreamTimeout, upstreamTimeout),
                    pick(over.maxInFlight, maxInFlight),
                    pick(over.maxInFlightPerAgent, maxInFlightPerAgent),
                    pick(over.maxConnections, maxConnections),
                    pick(over.maxConnectionsPerAddress, maxConnectionsPerAddress),
                    pick(over.headerTimeout, headerTimeout),
                    pick(over.idleTimeout, idleTimeout));
        }

        public static File flags(String server, String serverPin, String listen) {
            return new File(
                    server, serverPin, listen, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }

        private static <T> T pick(T a, T b) {
            return a != null ? a : b;
        }
    }

    /** Reads {@code path} (absent: no settings) under {@code flags}; every problem listed at once. */
    public static GatewayConfig load(Path path, File flags) throws IOException {
        File file = Files.exists(path) ? read(path) : File.flags(null, null, null);
        return of(file.with(flags));
    }

    static File read(Path path) throws IOException {
        try {
            File f = YAML.readValue(Files.readString(path), File.class);
            return f == null ? File.flags(null, null, null) : f;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("config " + path + " is invalid: " + e.getOriginalMessage());
        }
    }

    /** Writes the settings a fresh gateway was initialised with. */
    static void write(Path path, File file) throws IOException {
        Files.writeString(path, YAML.writeValueAsString(file));
    }

    static GatewayConfig of(File f) {
        List<String> problems = new ArrayList<>();
        URI server = null;
        if (f.server() == null) {
            problems.add("server: the Keyroom server's URL is required (--server)");
        } else {
            try {
                server = URI.create(f.server());
                if (!"https".equals(server.getScheme()) && !"http".equals(server.getScheme())) {
                    problems.add("server: must be an http or https URL");
                }
            } catch (IllegalArgumentException e) {
                problems.add("server: not a URL");
            }
        }
        if (f.serverPin() != null && !f.serverPin().matches("sha256/[A-Za-z0-9+/]{43}=")) {
            problems.add("server_pin: must be sha256/ and a base64 SHA-256");
        }
        String listen = Optional.ofNullable(f.listen()).orElse(DEFAULT_LISTEN);
        if (!listen.matches("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}")) {
            problems.add("listen: must be host:port");
        }
        boolean loopback = loopback(host(listen));
        if (!loopback && Boolean.FALSE.equals(f.tls())) {
            problems.add("tls: plain HTTP is served on a loopback address only");
        }
        GatewayConfig c = new GatewayConfig(
                server,
                f.serverPin(),
                listen,
                !loopback || Boolean.TRUE.equals(f.tls()),
                Optional.ofNullable(f.tlsNames()).orElse(List.of()),
                Optional.ofNullable(f.publicAuthorities()).orElse(List.of()),
                duration(f.sessionMaxTtl(), "15m", "session_max_ttl", problems),
                duration(f.pollInterval(), "250ms", "poll_interval", problems),
                duration(f.maxStaleness(), "5s", "max_staleness", problems),
                Optional.ofNullable(f.maxRequestBytes()).orElse(10L << 20),
                duration(f.upstreamTimeout(), "60s", "upstream_timeout", problems),
                Optional.ofNullable(f.maxInFlight()).orElse(256),
                Optional.ofNullable(f.maxInFlightPerAgent()).orElse(64),
                Optional.ofNullable(f.maxConnections()).orElse(4096),
                Optional.ofNullable(f.maxConnectionsPerAddress()).orElse(1024),
                duration(f.headerTimeout(), "10s", "header_timeout", problems),
                duration(f.idleTimeout(), "60s", "idle_timeout", problems));
        if (c.pollInterval != null && c.pollInterval.compareTo(Duration.ofMillis(900)) > 0) {
            problems.add("poll_interval: at most 900ms, so that a revocation cuts tunnels within a second");
        }
        if (c.maxRequestBytes < 1 || c.maxInFlight < 1 || c.maxConnections < 1 || c.maxConnectionsPerAddress < 1) {
            problems.add(
                    "max_request_bytes, max_in_flight, max_connections and max_connections_per_address must be positive");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return c;
    }

    public String listenHost() {
        return host(listen);
    }

    private static String host(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? listen : listen.substring(0, colon);
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    public int listenPort() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    /** Whether the listener is on a loopback address, where plain HTTP is allowed. */
    public boolean loopback() {
        return loopback(listenHost());
    }

    private static boolean loopback(String h) {
        return h.equals("localhost") || h.equals("::1") || h.startsWith("127.");
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    static Duration duration(String value, String fallback, String key, List<String> problems) {
        Matcher m = DURATION.matcher(value == null ? fallback : value);
        if (!m.matches()) {
            problems.add(key + ": a duration such as 250ms, 30s, 15m, 12h or 7d");
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
