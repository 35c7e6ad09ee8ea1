package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.server.TestNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors Jetty raises itself still have the protocol's shape, the security headers and no stack (LOG-1, TLS-4). */
class JettyErrorShapeTest {
    @TempDir
    Path dir;

    static String raw(TestNode node, String request) throws Exception {
        try (SSLSocket s = (SSLSocket) ServerTrust.pin(node.server.pin().orElseThrow())
                .sslContext()
                .getSocketFactory()
                .createSocket(node.uri().getHost(), node.uri().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void oversizedHeaders_get431InTheProtocolShape() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            String r = raw(
                    node,
                    "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(40_000)
                            + "\r\nConnection: close\r\n\r\n");
            assertThat(r).startsWith("HTTP/1.1 431");
            assertThat(r).contains("{\"error\":{\"code\":\"headers_too_large\"");
            assertThat(r).contains("X-Content-Type-Options: nosniff").contains("X-Request-Id: ");
        }
    }

    @Test
    void malformedRequestLine_gets400InTheProtocolShape() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            String r = raw(node, "GET /v1/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(r).startsWith("HTTP/1.1 400");
            assertThat(r)
                    .contains("{\"error\":{\"code\":\"bad_request\"")
                    .doesNotContain("Exception")
                    .doesNotContain("<html");
        }
    }
}
