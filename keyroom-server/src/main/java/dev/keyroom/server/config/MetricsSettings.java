package dev.keyroom.server.config;

/**
 * The Prometheus listener (the {@code metrics:} section): off unless {@code listen} is given, and
 * on a loopback address unless {@code insecure_beyond_loopback: true}, since a scrape is not
 * authenticated.
 */
public record MetricsSettings(String host, int port) {
    static java.util.Optional<MetricsSettings> from(ConfigFile.Metrics m, Problems problems) {
        if (m == null || m.listen() == null) {
            return java.util.Optional.empty();
        }
        String listen = m.listen();
        int colon = listen.lastIndexOf(':');
        String host = colon > 0 ? listen.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(listen.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (ServerConfig.literalAddress(host).isEmpty() || port < 0 || port > 65535) {
            problems.add("metrics.listen must be IP:PORT, e.g. 127.0.0.1:9464, not '" + listen + "'");
            return java.util.Optional.empty();
        }
        if (!ServerConfig.isLoopback(host) && !Boolean.TRUE.equals(m.insecureBeyondLoopback())) {
            problems.add("metrics.listen " + listen + " is beyond loopback and a scrape is not authenticated;"
                    + " use 127.0.0.1, or set metrics.insecure_beyond_loopback: true behind a firewall");
        }
        return java.util.Optional.of(new MetricsSettings(host, port));
    }
}
