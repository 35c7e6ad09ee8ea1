package dev.keyroom.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTPS GET through an HTTP proxy, by hand: a CONNECT with Basic proxy credentials, then TLS to
 * the upstream inside the tunnel. The demo makes its call this way because the JDK's HttpClient sends
 * Basic credentials on a CONNECT only when {@code jdk.http.auth.tunneling.disabledSchemes} was
 * emptied before it first loaded, which a command running in an already started JVM cannot promise;
 * curl, Python and Node agents send them as they are.
 */
final class ProxiedCall {
    private static final int TIMEOUT_MS = 15_000;

    private ProxiedCall() {}

    /** The body of {@code GET https://host:port/path} through {@code proxy}, or the failure in a sentence. */
    static String get(URI proxy, String user, String credential, SSLContext trust, String host, int port, String path)
            throws IOException {
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()), TIMEOUT_MS);
            tcp.setSoTimeout(TIMEOUT_MS);
            String authority = host + ":" + port;
            String basic =
                    Base64.getEncoder().encodeToString((user + ":" + credential).getBytes(StandardCharsets.UTF_8));
            write(
                    tcp.getOutputStream(),
                    "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nProxy-Authorization: Basic "
                            + basic + "\r\n\r\n");
            InputStream raw = tcp.getInputStream();
            String status = line(raw);
            while (!line(raw).isEmpty()) {
                // The CONNECT answer's headers say nothing the call needs.
            }
            if (!status.matches("HTTP/1\\.[01] 200.*")) {
                throw new IOException("the gateway refused the tunnel: " + status);
            }
            try (SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(tcp, host, port, false)) {
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                write(
                        tls.getOutputStream(),
                        "GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
                return response(tls.getInputStream());
            }
        }
    }

    private static String response(InputStream in) throws IOException {
        String status = line(in);
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (!status.matches("HTTP/1\\.[01] 200.*")) {
            throw new IOException("the call through the gateway answered " + status);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else {
            body.write(in.readAllBytes());
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One line of the head, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
