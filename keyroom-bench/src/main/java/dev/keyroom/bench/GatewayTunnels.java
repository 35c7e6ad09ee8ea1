package dev.keyroom.bench;

import dev.keyroom.client.GatewaySession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The gateway benchmark's memory phase: a thousand tunnels opened by hand on bare sockets (CONNECT,
 * TLS to the gateway's leaf, one request each, kept open) and the gateway's resident size measured
 * with them.
 */
final class GatewayTunnels {
    private GatewayTunnels() {}

    /**
     * The gateway's resident memory idle and with {@code count} tunnels open, each as found and right
     * after a full collection (the JVM's heap sizing moves the first; the second compares better).
     */
    static void memory(
            String when,
            GatewayChild gateway,
            GatewaySession session,
            int upstreamPort,
            SSLContext gatewayTrust,
            int count)
            throws Exception {
        String before = gateway.ask("tunnels");
        long idleRss = gateway.rssKib();
        String idleHeap = gateway.ask("heap");
        long idleRssGc = gateway.rssKib();
        String auth = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                (session.proxyUser() + ":" + session.credential()).getBytes(StandardCharsets.UTF_8));
        List<Future<SSLSocket>> open = new ArrayList<>();
        long t0 = System.nanoTime();
        // Opened eight at a time, so that the first are far from the gateway's idle timeout when counted.
        ExecutorService openers = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < count; i++) {
                open.add(openers.submit(
                        () -> tunnel(gateway.uri().getPort(), upstreamPort, auth, gatewayTrust.getSocketFactory())));
            }
            for (Future<SSLSocket> f : open) {
                f.get();
            }
            double took = (System.nanoTime() - t0) / 1e9;
            long withRss = gateway.rssKib();
            String with = gateway.ask("tunnels");
            String withHeap = gateway.ask("heap");
            long withRssGc = gateway.rssKib();
            System.out.printf(
                    "%s: %d tunnels opened in %.1f s; gateway says %s (%s before)%n", when, count, took, with, before);
            System.out.printf(
                    "RESULT memory %s: gateway VmRSS idle %.1f MiB, with %d tunnels %.1f MiB; after a full GC"
                            + " %.1f MiB and %.1f MiB; heap after a full GC: %s idle, %s with the tunnels%n",
                    when,
                    idleRss / 1024.0,
                    count,
                    withRss / 1024.0,
                    idleRssGc / 1024.0,
                    withRssGc / 1024.0,
                    heapMiB(idleHeap),
                    heapMiB(withHeap));
        } finally {
            openers.shutdown();
            for (Future<SSLSocket> f : open) {
                if (f.state() == Future.State.SUCCESS) {
                    f.resultNow().close();
                }
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!gateway.ask("tunnels").equals("tunnels 0") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static String heapMiB(String answer) {
        String[] f = answer.split(" ");
        return String.format(
                Locale.ROOT,
                "%.1f MiB used of %.1f MiB committed",
                Long.parseLong(f[1]) / 1048576.0,
                Long.parseLong(f[2]) / 1048576.0);
    }

    /** One tunnel as an agent's client makes it, kept open: CONNECT, TLS under the gateway's CA, one request. */
    static SSLSocket tunnel(int gatewayPort, int upstreamPort, String proxyAuthorization, SSLSocketFactory tls)
            throws IOException {
        String authority = "127.0.0.1:" + upstreamPort;
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress("127.0.0.1", gatewayPort), 10_000);
            plain.setSoTimeout(30_000);
            OutputStream out = plain.getOutputStream();
            out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nProxy-Authorization: "
                            + proxyAuthorization + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Map<String, String> headers = new HashMap<>();
            int status = head(plain.getInputStream(), headers);
            if (status != 200) {
                throw new IOException("CONNECT answered " + status);
            }
            SSLSocket s = (SSLSocket) tls.createSocket(plain, "127.0.0.1", upstreamPort, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream o = s.getOutputStream();
            o.write(("GET /bench HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            headers.clear();
            status = head(in, headers);
            byte[] body = body(in, headers);
            if (status != 200 || body.length != BenchUpstream.BODY.length) {
                throw new IOException("the call in the tunnel answered " + status + " with " + body.length + " bytes");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Reads a response's status line and headers (names lower-cased), byte by byte so nothing past them is taken. */
    private static int head(InputStream in, Map<String, String> headers) throws IOException {
        String status = line(in);
        for (String l; !(l = line(in)).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        if (headers.containsKey("content-length")) {
            return in.readNBytes(Integer.parseInt(headers.get("content-length")));
        }
        if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            throw new IOException("a response without a length: " + headers);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // Trailers: none expected.
                }
                return all.toByteArray();
            }
            all.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection ended mid-response");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
