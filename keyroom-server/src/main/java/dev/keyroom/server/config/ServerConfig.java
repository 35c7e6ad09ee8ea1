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
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A validated server configuration: immutable, checked once at construction, with every insecure
 * combination refused and the refusal saying what to change.
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
        long maxJsonBodyBytes) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8443";

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
            byte[] raw = Files.readAllBytes(file);
            if (raw.length == 0) {
                return ConfigFile.EMPTY;
            }
            ConfigFile f = YAML.readValue(raw, ConfigFile.class);
            return f == null ? ConfigFile.EMPTY : f;
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        } catch (JacksonException e) {
            throw new ConfigException(List.of("config file " + file + " is invalid: " + e.getOriginalMessage()));
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
        if (mode == AuthMode.OFF && host != null && !loopback) {
            problems.add("auth_mode off is allowed only on a loopback listen address; use enforce");
        }
        int skew = file.skewSeconds() == null ? 30 : file.skewSeconds();
        if (skew < 1 || skew > 300) {
            problems.add("skew_seconds must be 1 to 300");
        }
        int nonces = file.nonceCapacity() == null ? 1_000_000 : file.nonceCapacity();
        if (nonces < 1_000 || nonces > 50_000_000) {
            problems.add("nonce_capacity must be 1000 to 50000000");
        }
        long maxJson = file.maxJsonBodyBytes() == null ? 1L << 20 : file.maxJsonBodyBytes();
        if (maxJson < 1024 || maxJson > 1L << 20) {
            problems.add("max_json_body_bytes must be 1024 to 1048576");
        }
        List<String> authorities = file.publicAuthorities() == null ? List.of() : file.publicAuthorities();
        for (String a : authorities) {
            if (a == null || a.isBlank() || !a.equals(a.toLowerCase(Locale.ROOT)) || a.contains("/")) {
                problems.add("public_authorities entries are lowercase host[:port] values");
            }
        }
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
                maxJson);
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

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            return false;
        }
        // Only literal addresses are trusted here; a name other than localhost could resolve anywhere.
        if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
