package dev.keyroom.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.keyroom.core.port.Clock;
import dev.keyroom.gateway.GatewayCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a third-party API on a loopback port, for the demo (and the tests): HTTPS under a
 * CA of its own, and every path answers with the Authorization header it received, as a careless API
 * that echoes its caller's key would. It shows both sides of the gateway: what the upstream got (the
 * key) and what the agent got back (the key masked).
 */
final class EchoUpstream implements AutoCloseable {
    /** The Authorization headers received, in order ({@code null} for a call without one). */
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    private final HttpsServer server;
    private final Path caPem;

    /** Starts on a free loopback port, its certificate from a CA made in {@code caDir}. */
    EchoUpstream(Path caDir) throws IOException {
        GatewayCa ca = GatewayCa.create(caDir, Clock.system());
        this.caPem = ca.certificatePath();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContextFor("127.0.0.1")));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                authorizations.add(auth);
                byte[] body = ("auth=" + auth + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** {@code https://127.0.0.1:<port>}. */
    String origin() {
        return "https://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The PEM file of the upstream's CA, which a grant names as the upstream's trust. */
    Path caPem() {
        return caPem;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
