package dev.keyroom.bench;

import dev.keyroom.core.port.Clock;
import dev.keyroom.gateway.GatewayCa;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The upstream the gateway load calls, directly and through the gateway: Jetty 12 over TLS on
 * loopback with its own CA (made by {@link GatewayCa}, the same code the gateway's tests use),
 * answering {@code GET /bench} with 200 and a fixed 64-byte body, and 404 to anything else.
 */
final class BenchUpstream implements AutoCloseable {
    static final byte[] BODY = new byte[64];

    static {
        Arrays.fill(BODY, (byte) 'x');
        byte[] head = "keyroom gateway bench ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, BODY, 0, head.length);
        BODY[BODY.length - 1] = '\n';
    }

    final Path caPem;
    private final Server jetty;
    private final ServerConnector connector;

    BenchUpstream(Path caDir) throws Exception {
        GatewayCa ca = GatewayCa.create(caDir, Clock.system());
        caPem = ca.certificatePath();
        jetty = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(ca.serverContextFor("127.0.0.1"));
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        connector = new ServerConnector(
                jetty, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract(Invocable.InvocationType.NON_BLOCKING) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"GET".equals(request.getMethod())
                        || !"/bench".equals(request.getHttpURI().getPath())) {
                    response.setStatus(404);
                    callback.succeeded();
                    return true;
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
                response.write(true, ByteBuffer.wrap(BODY), callback);
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
