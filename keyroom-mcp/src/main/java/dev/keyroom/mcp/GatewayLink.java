package dev.keyroom.mcp;

import dev.keyroom.client.GatewayCa;
import dev.keyroom.client.GatewaySession;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's link to its gateway: a session opened on first use with a request signed by the
 * agent's identity, renewed by opening a new one shortly before it ends (or when the gateway no
 * longer knows it), and ended when the server stops; and the gateway's CA, which the leaves it mints
 * for upstreams chain to, from the operator's file or, for a loopback {@code http://} gateway, from
 * the gateway itself. The session's proxy credential stays here: no tool result carries it.
 */
final class GatewayLink implements AutoCloseable {
    private static final Duration SESSION_TTL = Duration.ofMinutes(5);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    private final URI at;
    private final Optional<Path> caFile;
    private final Identity identity;
    private KeyroomClient client;
    private SSLContext tls;
    private GatewaySession session;

    GatewayLink(URI at, Optional<Path> caFile, Identity identity) {
        this.at = at;
        this.caFile = caFile;
        this.identity = identity;
    }

    /** Sends {@code request} to {@code host:port} through the gateway; a refused tunnel is a failure in words. */
    TunnelledRequest.Answer send(String host, int port, TunnelledRequest.Request request) {
        for (int attempt = 0; ; attempt++) {
            GatewaySession s = session(attempt > 0);
            try {
                return TunnelledRequest.send(at, s.proxyUser(), s.credential(), tls(), host, port, request);
            } catch (TunnelledRequest.Refused e) {
                if (e.status != 407 || attempt > 0) {
                    throw new ToolFailure("the gateway refused the call: " + e.status + " " + e.getMessage());
                }
                // The gateway no longer knows the session (it restarted, or it was ended): open another.
            } catch (IOException e) {
                throw new ToolFailure("the call through the gateway at " + at + " failed: " + sentence(e));
            }
        }
    }

    private synchronized GatewaySession session(boolean fresh) {
        if (session != null && (fresh || Instant.now().plus(RENEW_BEFORE).isAfter(session.expires()))) {
            endQuietly();
        }
        if (session == null) {
            try {
                session = GatewaySession.open(client(), Optional.of(SESSION_TTL));
            } catch (KeyroomApiException e) {
                throw new ToolFailure("the gateway refused to open a session for this agent: " + e.getMessage());
            } catch (UncheckedIOException e) {
                throw new ToolFailure(unreachable());
            }
        }
        return session;
    }

    private KeyroomClient client() {
        if (client == null) {
            ServerTrust trust;
            try {
                trust = at.getScheme().equals("https") ? ServerTrust.ca(caFile()) : ServerTrust.system();
            } catch (IOException e) {
                throw new ToolFailure("cannot read the gateway's CA file: " + sentence(e));
            }
            client = KeyroomClient.builder(at, identity).trust(trust).build();
        }
        return client;
    }

    private synchronized SSLContext tls() throws IOException {
        if (tls == null) {
            byte[] pem = caFile.isPresent() ? Files.readAllBytes(caFile.get()) : fetchCa();
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (Certificate c :
                        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                    ks.setCertificateEntry("gateway-ca-" + i++, c);
                }
                if (i == 0) {
                    throw new IOException("no certificate in the gateway's CA");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                tls = ctx;
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read the gateway's CA certificate", e);
            }
        }
        return tls;
    }

    private Path caFile() {
        return caFile.orElseThrow(() -> new ToolFailure(
                "an https:// gateway needs --gateway-ca: its certificate is from the gateway's own CA"));
    }

    /** The CA from a loopback {@code http://} gateway's {@code GET /v1/ca.pem}, unsigned as the route is. */
    private byte[] fetchCa() throws IOException {
        if (!at.getScheme().equals("http")) {
            caFile();
        }
        try {
            return GatewayCa.fetch(at);
        } catch (GatewayCa.Unreachable e) {
            throw new ToolFailure(unreachable());
        } catch (IOException e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    private String unreachable() {
        return "cannot reach the gateway at " + at + " (is 'keyroom gateway' running there?)";
    }

    /** The message of a Keyroom error body, or nothing when the body is not one. */
    static String errorMessage(byte[] body) {
        try {
            ErrorDtos.Error e = Json.read(body, ErrorDtos.Error.class);
            return e.error().code() + ": " + e.error().message();
        } catch (RuntimeException notAnError) {
            return "";
        }
    }

    static String sentence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private void endQuietly() {
        try {
            session.close();
        } catch (RuntimeException e) {
            // It ends by itself within its lifetime.
        }
        session = null;
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            endQuietly();
        }
        if (client != null) {
            client.close();
        }
    }
}
