package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.or;

import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.wire.WireNamed;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A validated server configuration: immutable, checked once at construction, with every insecure
 * combination refused and the refusal saying what to change. Each section of the file is a record
 * of its own that parses itself ({@link Limits}, {@link TlsSettings}, {@link BusSettings}, ...);
 * defaults are in {@code docs/operations.md}.
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
        Retention retention,
        BusSettings bus,
        VaultSettings vault,
        Optional<ClusterSettings> cluster,
        ReplicationSettings replication,
        Optional<MetricsSettings> metrics,
        LogSettings log,
        ConsoleSettings console) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8443";

    /** Reads a YAML configuration file; syntax errors and unknown keys are reported as problems. */
    public static ConfigFile readFile(Path file) throws ConfigException {
        return ConfigYaml.read(file);
    }

    /** Parses YAML text; {@code source} names it in messages. */
    public static ConfigFile parse(String yaml, String source) throws ConfigException {
        return ConfigYaml.parse(yaml, source);
    }

    /**
     * A file checked whole: every problem of its shape and of its values at once, by YAML name; the
     * configuration when there is none; and the settings the file gives, by their YAML names.
     */
    public record Check(List<String> problems, Optional<ServerConfig> config, Map<String, Object> settings) {}

    /** Checks {@code file} as the configuration of {@code dataDir} ({@code keyroom config check}). */
    public static Check check(Path dataDir, Path file) {
        ConfigYaml.Read read = ConfigYaml.readAll(file);
        List<String> problems = new ArrayList<>(read.problems());
        ServerConfig config = null;
        try {
            config = from(dataDir, read.file());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        return new Check(
                List.copyOf(problems),
                problems.isEmpty() ? Optional.of(config) : Optional.empty(),
                ConfigYaml.settings(read.file()));
    }

    /** Where a server listens, as the {@code listen} setting and {@code insecure_plaintext} say. */
    private record Listen(String host, int port, boolean loopback, boolean plaintext) {
        static Listen from(ConfigFile file, Problems problems) {
            String listen = or(file.listen(), DEFAULT_LISTEN);
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
                problems.add("insecure_plaintext is allowed only on a loopback listen address; remove it or listen"
                        + " on 127.0.0.1");
            }
            return new Listen(host, port, loopback, plaintext);
        }
    }

    /** Validates {@code file} for a server whose data directory is {@code dataDir}. */
    public static ServerConfig from(Path dataDir, ConfigFile file) throws ConfigException {
        Problems problems = new Problems();
        Listen listen = Listen.from(file, problems);
        List<InetAddress> proxies = trustedProxies(file, problems);
        AuthMode mode = authMode(file, listen, proxies, problems);
        int skew = problems.within("skew_seconds", file.skewSeconds(), 30, 1, 300);
        int nonces = problems.within("nonce_capacity", file.nonceCapacity(), 1_000_000, 1_000, 50_000_000);
        List<String> authorities = or(file.publicAuthorities(), List.of());
        for (String a : authorities) {
            if (a == null || a.isBlank() || !a.equals(a.toLowerCase(Locale.ROOT)) || a.contains("/")) {
                problems.add("public_authorities entries are lowercase host[:port] values");
            }
        }
        Retention retention = new Retention(
                problems.within(
                        "messages.retain_count",
                        Problems.field(file.messages(), ConfigFile.Messages::retainCount),
                        10_000,
                        1,
                        10_000_000),
                Duration.ofDays(problems.within(
                        "messages.retain_days",
                        Problems.field(file.messages(), ConfigFile.Messages::retainDays),
                        30,
                        1,
                        3650)));
        ReplicationSettings replication = ReplicationSettings.from(file.replication(), problems);
        if (replication.apply().isPresent() && listen.plaintext()) {
            problems.add("the replication listener needs TLS (mutual TLS, REPL-3); remove insecure_plaintext");
        }
        ServerConfig config = new ServerConfig(
                dataDir,
                listen.host(),
                listen.port(),
                listen.plaintext(),
                mode,
                Duration.ofSeconds(skew),
                List.copyOf(authorities),
                Boolean.TRUE.equals(file.allowCleartextRooms()),
                nonces,
                List.copyOf(proxies),
                TlsSettings.from(file.tls(), listen.plaintext(), problems),
                Limits.from(file.limits(), problems),
                CorsSettings.from(file.cors(), problems),
                retention,
                BusSettings.from(file.bus(), problems),
                VaultSettings.from(file.vault(), problems),
                Optional.ofNullable(file.cluster())
                        .map(c -> ClusterSettings.from(c, mode, listen.plaintext(), problems)),
                replication,
                MetricsSettings.from(file.metrics(), problems),
                LogSettings.from(file.log(), problems),
                ConsoleSettings.from(file.console(), problems));
        problems.throwIfAny();
        return config;
    }

    private static List<InetAddress> trustedProxies(ConfigFile file, Problems problems) {
        List<InetAddress> proxies = new ArrayList<>();
        for (String p : or(file.trustedProxies(), List.<String>of())) {
            Optional<InetAddress> a = literalAddress(p);
            if (a.isEmpty()) {
                problems.add("trusted_proxies entries must be IP addresses, not names: " + p);
            } else {
                proxies.add(a.get());
            }
        }
        return proxies;
    }

    /** AUTH-5: off never where other machines reach the node; soft there only with its loud opt-in. */
    private static AuthMode authMode(ConfigFile file, Listen listen, List<InetAddress> proxies, Problems problems) {
        AuthMode mode = AuthMode.ENFORCE;
        if (file.authMode() != null) {
            Optional<AuthMode> named =
                    WireNamed.find(AuthMode.class, file.authMode().toLowerCase(Locale.ROOT));
            if (named.isEmpty()) {
                problems.add("auth_mode must be one of " + WireNamed.choices(AuthMode.class));
            }
            mode = named.orElse(mode);
        }
        // Other machines reach this node when it listens beyond loopback, or through a proxy it trusts.
        boolean reachable = listen.host() != null && (!listen.loopback() || !proxies.isEmpty());
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
        return mode;
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
