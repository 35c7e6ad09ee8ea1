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

    @Test
    void everyMethod_getsTheProtocolShape_whereverJettyRefusesIt() throws Exception {
        // LOG-1, TLS-4: Jetty writes error pages only for GET, POST and HEAD by itself; every
        // other method must get the same shape, request id and security headers.
        String blob = "/v1/rooms/" + "a".repeat(32) + "/blobs/" + "b".repeat(64);
        try (TestNode node = TestNode.start(dir)) {
            for (String method : new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}) {
                assertShape(
                        method,
                        raw(
                                node,
                                method + " /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                                        + "\r\nConnection: close\r\n\r\n"),
                        431,
                        "headers_too_large");
                assertShape(
                        method,
                        raw(node, method + " /v1/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                        400,
                        "bad_request");
                assertShape(
                        method,
                        raw(
                                node,
                                method + " " + blob + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (17 << 20)
                                        + "\r\nConnection: close\r\n\r\n"),
                        413,
                        "payload_too_large");
            }
        }
    }

    static void assertShape(String method, String response, int status, String code) {
        assertThat(response).as(method).startsWith("HTTP/1.1 " + status);
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        assertThat(head)
                .as(method + " headers")
                .contains("X-Request-Id: ")
                .contains("Content-Security-Policy: default-src 'none'")
                .contains("X-Content-Type-Options: nosniff")
                .contains("X-Frame-Options: DENY")
                .contains("Referrer-Policy: no-referrer")
                .contains("Cache-Control: no-store")
                .contains("Strict-Transport-Security: ");
        if (!method.equals("HEAD")) {
            assertThat(response.substring(head.length() + 4))
                    .as(method + " body")
                    .startsWith("{\"error\":{\"code\":\"" + code + "\"")
                    .contains("\"request_id\":\"");
        }
    }
}
