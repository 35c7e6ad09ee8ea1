package dev.keyroom.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A proxy client on a bare socket, for attack tests that need what ordinary clients hide: the
 * status of a refused CONNECT, a tunnel held open to see when it is cut, a request path that a
 * library would normalise before sending.
 */
final class RawProxy {
    /** An answer: status, headers (names lower-cased), body (de-chunked). */
    record Answer(int status, Map<String, String> headers, String body) {}

    private RawProxy() {}

    static String basic(String user, String credential) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + credential).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code CONNECT target}; the gateway's answer, the socket left open when it was 200. */
    static Answer connect(Socket s, String target, String proxyAuthorization) throws IOException {
        s.setSoTimeout(10_000);
        String req = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n") + "\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return read(s.getInputStream(), true);
    }

    static Answer connect(int gatewayPort, String target, String proxyAuthorization) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gatewayPort)) {
            return connect(s, target, proxyAuthorization);
        }
    }

    /** A TLS tunnel through the gateway to {@code host:port}, trusting {@code trust}; fails unless CONNECT gets 200. */
    static SSLSocket tunnel(int gatewayPort, String host, int port, String proxyAuthorization, SSLContext trust)
            throws IOException {
        Socket raw = new Socket("127.0.0.1", gatewayPort);
        Answer a = connect(raw, host + ":" + port, proxyAuthorization);
        if (a.status() != 200) {
            raw.close();
            throw new IOException("CONNECT answered " + a.status() + ": " + a.body());
        }
        SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(raw, host, port, true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!Character.isDigit(host.charAt(0))) {
            p.setServerNames(java.util.List.of(new SNIHostName(host)));
        }
        tls.setSSLParameters(p);
        tls.setSoTimeout(10_000);
        tls.startHandshake();
        return tls;
    }

    /** One request on an open tunnel, keep-alive; the whole answer. */
    static Answer request(SSLSocket tls, String method, String path, String host) throws IOException {
        OutputStream out = tls.getOutputStream();
        out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(tls.getInputStream(), "HEAD".equals(method));
    }

    private static Answer read(InputStream in, boolean noBody) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed before an answer");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n; (n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                body.write(in.readNBytes(n));
                line(in);
            }
            line(in);
        } else if (!noBody && code != 200 && code != 204 && code != 304) {
            body.write(in.readAllBytes());
        }
        return new Answer(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
