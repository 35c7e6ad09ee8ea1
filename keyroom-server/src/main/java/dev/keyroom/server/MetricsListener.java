package dev.keyroom.server;

import com.sun.net.httpserver.HttpServer;
import dev.keyroom.server.config.MetricsSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The Prometheus exposition, {@code GET /metrics} in the text format, on a listener of its own
 * (the {@code metrics:} section): plain HTTP, no authentication, loopback unless configured
 * otherwise, and apart from the API so that a scrape never competes with clients for its limits.
 */
final class MetricsListener implements AutoCloseable {
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;

    private MetricsListener(HttpServer http) {
        this.http = http;
    }

    static MetricsListener start(MetricsSettings settings, PrometheusMeterRegistry registry) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keyroom-metrics");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return new MetricsListener(http);
    }

    URI uri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/metrics");
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
