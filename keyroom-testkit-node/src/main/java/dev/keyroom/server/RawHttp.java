package dev.keyroom.server;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.RequestSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 over TLS by hand, from a chosen loopback source address (127.0.0.x), so that tests can
 * be many clients on one machine. One request per connection ({@code Connection: close}).
 */
public final class RawHttp {
    private RawHttp() {}

    /** A parsed response: status, headers (lowercase names, all values) and body. */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }
    }

    public static Socket connect(TestNode node, String source) throws IOException {
        SSLSocketFactory f =
                ServerTrust.pin(node.server.pin().orElseThrow()).sslContext().getSocketFactory();
        return f.createSocket(node.uri().getHost(), node.uri().getPort(), InetAddress.getByName(source), 0);
    }

    /** Sends {@code method path} with {@code extraHeaders} and {@code body} from {@code source}. */
    public static Response send(
            TestNode node, String source, String method, String path, Map<String, String> extraHeaders, byte[] body)
            throws IOException {
        return send(node, source, node.uri().getRawAuthority(), method, path, extraHeaders, body);
    }

    /** As above, naming {@code host} in the Host header (a request meant for another node). */
    public static Response send(
            TestNode node,
            String source,
            String host,
            String method,
            String path,
            Map<String, String> extraHeaders,
            byte[] body)
            throws IOException {
        try (Socket s = connect(node, source)) {
            s.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(host).append("\r\n");
            extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** A signed request, as the SDK would sign it, from {@code source}. */
    public static Response signed(TestNode node, String source, Identity id, String method, String path, byte[] body)
            throws IOException {
        URI uri = node.uri().resolve(path);
        Map<String, String> h =
                new LinkedHashMap<>(new RequestSigner(id, Clock.system(), TestNode.RANDOM).sign(method, uri, body));
        if (body != null && body.length > 0) {
            h.put("Content-Type", "application/json");
        }
        return send(node, source, method, path, h, body);
    }

    /**
     * The head of a signed blob-style request ({@code application/octet-stream}, {@code Connection:
     * close}) whose body of {@code length} bytes hashes to {@code sha256}: for a test that sends
     * the body itself, at its own pace.
     */
    public static String signedHead(
            TestNode node, Identity id, String method, String path, long length, byte[] sha256) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: "
                + node.uri().getRawAuthority() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + length + "\r\nConnection: close\r\n");
        new RequestSigner(id, Clock.system(), TestNode.RANDOM)
                .signDigest(method, node.uri().resolve(path), length > 0, sha256)
                .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        return head.append("\r\n").toString();
    }

    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response: " + text.length() + " bytes");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(c + 1).strip());
        }
        return new Response(status, headers, text.substring(end + 4));
    }
}
