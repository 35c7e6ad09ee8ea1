package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A loopback HTTPS upstream with its own CA that records every request it receives: method, path,
 * query, headers and body. {@code /echo} answers with the request's Authorization header and query
 * in a body sent in many small chunks, and echoes Authorization back as a header, as a careless API
 * would; {@code /redirect} sends the caller elsewhere; anything else answers {@code ok}.
 */
final class TestUpstream implements AutoCloseable {
    record Received(String method, String path, String query, List<HttpField> headers, byte[] body) {
        String header(String name) {
            return headers.stream()
                    .filter(f -> f.getName().equalsIgnoreCase(name))
                    .map(HttpField::getValue)
                    .findFirst()
                    .orElse(null);
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final Path caPem;
    private final Server jetty;
    private final ServerConnector connector;

    TestUpstream(Path caDir, String host) throws Exception {
        GatewayCa ca = GatewayCa.create(caDir, Clock.system());
        this.caPem = ca.certificatePath();
        jetty = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(ca.serverContextFor(host));
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
        connector = new ServerConnector(
                jetty, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract(org.eclipse.jetty.util.thread.Invocable.InvocationType.BLOCKING) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws IOException {
                byte[] body;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    body = in.readAllBytes();
                }
                String path = request.getHttpURI().getPath();
                String query = request.getHttpURI().getQuery();
                received.add(new Received(
                        request.getMethod(),
                        path,
                        query,
                        List.copyOf(request.getHeaders().asImmutable().stream().toList()),
                        body));
                String auth = request.getHeaders().get("Authorization");
                switch (path) {
                    case "/echo" -> {
                        if (auth != null) {
                            response.getHeaders().put("X-Echo-Authorization", auth);
                        }
                        byte[] echo = ("auth=" + auth + "\nquery=" + query + "\nbody="
                                        + new String(body, StandardCharsets.UTF_8) + "\n")
                                .getBytes(StandardCharsets.UTF_8);
                        try (var out = Content.Sink.asOutputStream(response)) {
                            for (int i = 0; i < echo.length; i += 3) {
                                out.write(echo, i, Math.min(3, echo.length - i));
                                out.flush();
                            }
                        }
                        callback.succeeded();
                    }
                    case "/redirect" -> {
                        response.setStatus(302);
                        response.getHeaders().put("Location", "https://elsewhere.example/steal");
                        callback.succeeded();
                    }
                    default -> response.write(true, ByteBuffer.wrap("ok\n".getBytes(StandardCharsets.UTF_8)), callback);
                }
                return true;
            }
        });
        jetty.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
