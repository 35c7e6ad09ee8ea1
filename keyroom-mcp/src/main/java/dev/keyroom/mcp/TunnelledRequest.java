package dev.keyroom.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTPS request through the gateway, by hand: a CONNECT with the session's Basic proxy
 * credentials, TLS to the upstream's name inside the tunnel (a leaf the gateway minted under its CA),
 * then one HTTP/1.1 request with {@code Connection: close}. By hand because the JDK's HttpClient
 * sends Basic credentials on a CONNECT only when a system property was set before it first loaded,
 * which a server that already talks to the node cannot promise. Every line written is checked for
 * what would split it (the request's parts come from a model), and the answer read is bounded.
 */
final class TunnelledRequest {
    /** The most of an answer's body handed back; the rest is cut and said to be. */
    static final int MAX_BODY = 256 * 1024;

    private static final int MAX_HEAD = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 15_000;
    private static final int READ_TIMEOUT_MS = 45_000;

    /** What to send: {@code target} is the path and query, {@code headers} the caller's own. */
    record Request(String method, String target, Map<String, String> headers, byte[] body) {}

    /** What came back; {@code truncated} when the body was longer than {@link #MAX_BODY}. */
    record Answer(int status, Map<String, String> headers, byte[] body, boolean truncated) {}

    /** The gateway refused the tunnel itself: its status and the message of its error body. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private TunnelledRequest() {}

    static Answer send(
            URI proxy, String user, String credential, SSLContext trust, String host, int port, Request request)
            throws IOException {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()), CONNECT_TIMEOUT_MS);
            tcp.setSoTimeout(READ_TIMEOUT_MS);
            String basic =
                    Base64.getEncoder().encodeToString((user + ":" + credential).getBytes(StandardCharsets.UTF_8));
            OutputStream raw = tcp.getOutputStream();
            raw.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nProxy-Authorization: Basic "
                            + basic + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            raw.flush();
            Answer connect = read(tcp.getInputStream(), false);
            if (connect.status() != 200) {
                throw new Refused(connect.status(), GatewayLink.errorMessage(connect.body()));
            }
            try (SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(tcp, host, port, false)) {
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                OutputStream out = tls.getOutputStream();
                out.write(head(request, authority).getBytes(StandardCharsets.UTF_8));
                out.write(request.body());
                out.flush();
                return read(tls.getInputStream(), request.method().equals("HEAD"));
            }
        }
    }

    /** The request line and headers; the caller's headers were checked by {@link UpstreamRequest}. */
    private static String head(Request r, String authority) {
        StringBuilder b = new StringBuilder()
                .append(r.method())
                .append(' ')
                .append(r.target())
                .append(" HTTP/1.1\r\nHost: ")
                .append(authority)
                .append("\r\nConnection: close\r\n");
        if (r.body().length > 0 || !(r.method().equals("GET") || r.method().equals("HEAD"))) {
            b.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        r.headers().forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b.append("\r\n").toString();
    }

    /** Reads a status line, headers and (unless {@code noBody}) a bounded body. */
    private static Answer read(InputStream in, boolean noBody) throws IOException {
        Head head = new Head(in);
        String status = head.line();
        if (!status.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
            throw new IOException("the gateway answered something that is not HTTP");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        long length = -1;
        boolean chunked = false;
        for (String h = head.line(); !h.isEmpty(); h = head.line()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).strip();
            String value = h.substring(colon + 1).strip();
            String lower = name.toLowerCase(Locale.ROOT);
            headers.merge(lower, value, (a, b) -> a + ", " + b);
            if (lower.equals("content-length")) {
                if (!value.matches("[0-9]{1,18}")) {
                    throw new IOException("the answer's Content-Length is malformed");
                }
                length = Long.parseLong(value);
            } else if (lower.equals("transfer-encoding")
                    && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (noBody || code == 204 || code == 304 || code / 100 == 1) {
            return new Answer(code, headers, new byte[0], false);
        }
        Body body = new Body();
        if (chunked) {
            for (int size = chunkSize(head.line()); size > 0 && !body.full(); size = chunkSize(head.line())) {
                body.take(in, size);
                head.line();
            }
        } else if (length >= 0) {
            body.take(in, length);
        } else {
            // Neither a length nor chunks: the body runs to the end of the connection.
            body.take(in, Long.MAX_VALUE);
        }
        return new Answer(code, headers, body.bytes(), body.full());
    }

    private static int chunkSize(String line) throws IOException {
        try {
            return Integer.parseInt(line.split(";", 2)[0].strip(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("the answer's chunked body is malformed");
        }
    }

    /** The head of an answer, line by line, at most {@link #MAX_HEAD} bytes in all. */
    private static final class Head {
        private final InputStream in;
        private int read;

        Head(InputStream in) {
            this.in = in;
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the connection ended in the middle of the answer");
                }
                if (++read > MAX_HEAD) {
                    throw new IOException("the answer's head is longer than " + MAX_HEAD + " bytes");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** A body kept up to {@link #MAX_BODY} bytes; {@link #full} once more was offered than that. */
    private static final class Body {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        private boolean full;

        void take(InputStream in, long n) throws IOException {
            byte[] buf = new byte[8192];
            long left = n;
            while (left > 0 && !full) {
                int got = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (got < 0) {
                    if (n == Long.MAX_VALUE) {
                        return;
                    }
                    throw new IOException("the connection ended in the middle of the answer's body");
                }
                int keep = Math.min(got, MAX_BODY - b.size());
                b.write(buf, 0, keep);
                full = keep < got;
                left -= got;
            }
        }

        boolean full() {
            return full;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
