package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.tls.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS-1: the TLS options: opt-in 1.2, reload without restart, required client certificates. */
class TlsOptionsAttackTest {
    @TempDir
    Path dir;

    /** The certificate the server presents to a new handshake (trusting any, to look at it). */
    static X509Certificate presented(TestNode node, String protocol, SSLContext ctx) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory()
                .createSocket(node.uri().getHost(), node.uri().getPort())) {
            s.setEnabledProtocols(new String[] {protocol});
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    static SSLContext lookOnly(KeyManagerFactory kmf) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                kmf == null ? null : kmf.getKeyManagers(),
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] c, String a) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] c, String a) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                new SecureRandom());
        return ctx;
    }

    @Test
    void tls12_isRefusedByDefault_andAcceptedWhenConfigured() throws Exception {
        // TLS-1: TLS 1.2 only by explicit setting.
        try (TestNode node = TestNode.start(dir)) {
            assertThatThrownBy(() -> presented(node, "TLSv1.2", lookOnly(null)))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
        try (TestNode node = TestNode.start(dir, "tls: {min_version: '1.2'}")) {
            assertThat(presented(node, "TLSv1.2", lookOnly(null))).isNotNull();
            try (SSLSocket s = (SSLSocket) lookOnly(null)
                    .getSocketFactory()
                    .createSocket(node.uri().getHost(), node.uri().getPort())) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.startHandshake();
                String suite = s.getSession().getCipherSuite();
                assertThat(suite).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "CHACHA20");
            }
        }
    }

    @Test
    void replacedKeyAndCertificate_areServedWithoutRestart() throws Exception {
        // TLS-1: the key pair reloads from disk; new handshakes get the new certificate.
        try (TestNode node = TestNode.start(dir, "tls: {reload_seconds: 1}")) {
            String oldPin = node.server.pin().orElseThrow();
            Path tls = new DataDir(dir).tls();
            TlsMaterial fresh = TlsMaterial.selfSigned(List.of("localhost", "127.0.0.1"), new SecureRandom());
            Path staging = dir.resolve("staging");
            fresh.write(staging);
            Files.move(
                    staging.resolve("key.pem"),
                    tls.resolve("key.pem"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                    staging.resolve("cert.pem"),
                    tls.resolve("cert.pem"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> TlsMaterial.pinOf(presented(node, "TLSv1.3", lookOnly(null)))
                            .equals(fresh.spkiPin()));
            assertThat(node.server.pin()).contains(fresh.spkiPin()).isNotEqualTo(oldPin);
            // A client pinned to the old key now refuses the server (TLS-2); one given the new pin talks to it.
            assertThatThrownBy(node.admin.users()::me).isInstanceOf(java.io.UncheckedIOException.class);
            assertThat(node.client(node.adminIdentity).users().me().role()).isEqualTo("admin");
        }
    }

    @Test
    void requiredClientCertificate_withoutOne_isRefused() throws Exception {
        // TLS-1: with a client CA configured, a client without a certificate from it cannot connect.
        TlsMaterial client = TlsMaterial.selfSigned(List.of("client"), new SecureRandom());
        TlsMaterial stranger = TlsMaterial.selfSigned(List.of("stranger"), new SecureRandom());
        client.write(dir.resolve("client"));
        Path ca = dir.resolve("client/cert.pem");
        try (TestNode node = TestNode.start(dir.resolve("node"), "tls: {client_ca: '" + ca + "'}")) {
            SSLContext pinned = ServerTrust.pin(node.server.pin().orElseThrow()).sslContext();
            assertThatThrownBy(() -> {
                        try (SSLSocket s = (SSLSocket) pinned.getSocketFactory()
                                .createSocket(node.uri().getHost(), node.uri().getPort())) {
                            s.startHandshake();
                            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                            s.getOutputStream().flush();
                            if (s.getInputStream().read() < 0) {
                                throw new java.io.IOException("closed");
                            }
                        }
                    })
                    .isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> presentedWith(node, stranger)).isInstanceOf(java.io.IOException.class);
            assertThat(presentedWith(node, client)).isEqualTo(200);
        }
    }

    static int presentedWith(TestNode node, TlsMaterial clientCert) throws Exception {
        char[] pw = "pw".toCharArray();
        KeyStore ks = clientCert.keyStore(pw);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = lookOnly(kmf);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory()
                .createSocket(node.uri().getHost(), node.uri().getPort())) {
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.getOutputStream()
                    .write(("GET /healthz HTTP/1.1\r\nHost: " + node.uri().getRawAuthority()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes());
            s.getOutputStream().flush();
            return dev.keyroom.server.RawHttp.read(s.getInputStream()).status();
        }
    }
}
