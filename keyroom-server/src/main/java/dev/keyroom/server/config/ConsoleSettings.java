package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;
import static dev.keyroom.server.config.Problems.or;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The admin console (the {@code console:} section): off unless {@code listen} is set, on a TLS
 * listener of its own, never the client listener. {@code origins} are the {@code https://} origins
 * the browser reaches it at; a state-changing call must come from one of them (UI-3), and login
 * links are made for the first. Without them, the listen address's own origin (a loopback address
 * also as {@code localhost}); a listener on every interface must list them.
 */
public record ConsoleSettings(Optional<Listener> listener, List<String> origins) {
    /** Where the console listens. */
    public record Listener(String host, int port) {}

    public boolean enabled() {
        return listener.isPresent();
    }

    static ConsoleSettings from(ConfigFile.Console c, Problems problems) {
        String listen = field(c, ConfigFile.Console::listen);
        List<String> origins = new ArrayList<>();
        for (String o : or(field(c, ConfigFile.Console::origins), List.<String>of())) {
            Optional<String> origin = origin(o);
            if (origin.isEmpty()) {
                problems.add("console.origins entries are https:// origins without a path, e.g."
                        + " https://keyroom.example.com:8444: " + o);
            } else {
                origins.add(origin.get());
            }
        }
        if (listen == null) {
            if (!origins.isEmpty()) {
                problems.add("console.origins needs console.listen; the console is off without it");
            }
            return new ConsoleSettings(Optional.empty(), List.of());
        }
        int colon = listen.lastIndexOf(':');
        String host = colon <= 0 ? "" : listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            problems.add("console.listen must be HOST:PORT, e.g. 127.0.0.1:8444");
            return new ConsoleSettings(Optional.empty(), List.of());
        }
        boolean wildcard = ServerConfig.literalAddress(host)
                .map(InetAddress::isAnyLocalAddress)
                .orElse(false);
        if (wildcard && origins.isEmpty()) {
            problems.add("console.listen on every interface needs console.origins: the https:// origins browsers"
                    + " use to reach the console (a state-changing call from any other origin is refused)");
        }
        return new ConsoleSettings(Optional.of(new Listener(host, port)), List.copyOf(origins));
    }

    /** {@code value} as an origin ({@code https://host[:port]}, lowercase), if it is one. */
    private static Optional<String> origin(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI u = new URI(value);
            boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty())
                    && u.getRawQuery() == null
                    && u.getRawFragment() == null
                    && u.getRawUserInfo() == null;
            if (!"https".equals(u.getScheme()) || u.getHost() == null || !bare) {
                return Optional.empty();
            }
            int port = u.getPort();
            return Optional.of(
                    "https://" + u.getHost().toLowerCase(Locale.ROOT) + (port == -1 || port == 443 ? "" : ":" + port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
