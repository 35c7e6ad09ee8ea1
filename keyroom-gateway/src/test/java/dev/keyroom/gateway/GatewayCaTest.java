package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.grant.Cidr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCaTest {
    private static final Clock CLOCK = Clock.system();

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aClientTrustingOnlyTheCaVerifiesTheMintedLeafForItsHost() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        X509Certificate[] chain = handshake(ca.serverContextFor("api.example.test"), "api.example.test");

        X509Certificate leaf = chain[0];
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=api.example.test");
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "api.example.test"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(leaf.getSerialNumber().bitLength()).isBetween(100, 128);
        assertThat(leaf.getExtensionValue("2.5.29.35"))
                .as("authority key identifier")
                .isNotNull();
        assertThat(chain[1]).isEqualTo(ca.certificate());
    }

    @Test
    void aClientAskingForAnotherHostRefusesTheLeaf() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        assertThatThrownBy(() -> handshake(ca.serverContextFor("api.example.test"), "evil.example.test"))
                .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .rootCause()
                .hasMessageContaining("evil.example.test");
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheLeaf() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);
        Path other = Files.createDirectory(dir.resolve("other"));
        GatewayCa stranger = GatewayCa.create(other, CLOCK);

        assertThatThrownBy(() -> handshake(ca.serverContextFor("api.example.test"), "api.example.test", stranger))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void anIpLiteralGetsALeafThatVerifiesForTheAddress() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        X509Certificate leaf = handshake(ca.serverContextFor("127.0.0.1"), "127.0.0.1")[0];

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
    }

    @Test
    void theListenerLeafNamesEveryNameAndAddress() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);
        SSLContext listener = ca.serverContextForListener(List.of("gateway.internal", "127.0.0.1"));

        X509Certificate leaf = handshake(listener, "gateway.internal")[0];
        handshake(listener, "127.0.0.1");

        assertThat(leaf.getSubjectAlternativeNames())
                .containsExactly(List.of(2, "gateway.internal"), List.of(7, "127.0.0.1"));
        assertThatThrownBy(() -> handshake(listener, "other.internal")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theLeafValidityFollowsTheClock() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        GatewayCa ca = GatewayCa.create(dir, () -> now);

        X509Certificate leaf = handshake(ca.serverContextFor("api.example.test"), "api.example.test")[0];

        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofHours(1)));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(24)));
        assertThat(ca.certificate().getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(3650)));
    }

    @Test
    void aSecondCallForTheSameHostReusesTheContext() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        SSLContext first = ca.serverContextFor("api.example.test");

        assertThat(ca.serverContextFor("api.example.test")).isSameAs(first);
        assertThat(ca.serverContextFor("API.example.test")).isSameAs(first);
        assertThat(ca.serverContextFor("other.example.test")).isNotSameAs(first);
    }

    @Test
    void theCaCertificateIsAConstrainedCa() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);
        X509Certificate cert = readCert(ca.certificatePath());

        assertThat(cert).isEqualTo(ca.certificate());
        assertThat(cert.getBasicConstraints()).isZero();
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] usage = cert.getKeyUsage();
        assertThat(usage[5]).as("keyCertSign").isTrue();
        assertThat(usage[6]).as("cRLSign").isTrue();
        assertThat(usage[0]).as("digitalSignature").isFalse();
        assertThat(cert.getExtensionValue("2.5.29.14"))
                .as("subject key identifier")
                .isNotNull();
        assertThat(cert.getSubjectX500Principal().getName()).matches("CN=Keyroom gateway CA [0-9a-f]{8}");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void theKeyFileIsOwnerOnlyAndTheCertificateWorldReadable() throws Exception {
        GatewayCa.create(dir, CLOCK);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void loadReadsBackTheSameCaAndItsLeavesVerify() throws Exception {
        GatewayCa created = GatewayCa.create(dir, CLOCK);

        GatewayCa loaded = GatewayCa.load(dir, CLOCK);

        assertThat(loaded.certificate()).isEqualTo(created.certificate());
        assertThat(handshake(loaded.serverContextFor("api.example.test"), "api.example.test", created))
                .hasSize(2);
    }

    @Test
    void loadRefusesAKeyFileOthersCanRead() throws Exception {
        GatewayCa.create(dir, CLOCK);
        Path key = dir.resolve("ca-key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> GatewayCa.load(dir, CLOCK))
                .isInstanceOf(KeyFiles.InsecureKeyFileException.class)
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600 " + key);
    }

    @Test
    void loadRefusesAnExecutableKeyFile() throws Exception {
        GatewayCa.create(dir, CLOCK);
        Files.setPosixFilePermissions(dir.resolve("ca-key.pem"), PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> GatewayCa.load(dir, CLOCK)).isInstanceOf(KeyFiles.InsecureKeyFileException.class);
    }

    @Test
    void loadRefusesAKeyThatIsNotTheCertificatesKey() throws Exception {
        GatewayCa.create(dir, CLOCK);
        Path other = Files.createDirectory(dir.resolve("other"));
        GatewayCa.create(other, CLOCK);
        Files.copy(other.resolve("ca.pem"), dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> GatewayCa.load(dir, CLOCK))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not the key of the certificate");
    }

    @Test
    void loadRefusesAnExpiredCa() throws Exception {
        GatewayCa.create(dir, CLOCK);

        assertThatThrownBy(() -> GatewayCa.load(dir, () -> Instant.now().plus(Duration.ofDays(3700))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void createRefusesToOverwriteEitherFile() throws Exception {
        GatewayCa.create(dir, CLOCK);
        byte[] key = Files.readAllBytes(dir.resolve("ca-key.pem"));

        assertThatThrownBy(() -> GatewayCa.create(dir, CLOCK)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(dir.resolve("ca-key.pem"))).isEqualTo(key);

        Path onlyCert = Files.createDirectory(dir.resolve("only-cert"));
        Files.writeString(onlyCert.resolve("ca.pem"), "old");
        assertThatThrownBy(() -> GatewayCa.create(onlyCert, CLOCK)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(onlyCert.resolve("ca-key.pem")).doesNotExist();
    }

    @Test
    void refusesHostsThatAreNeitherNamesNorAddresses() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        for (String bad : List.of("", "*.example.com", "a b", "[::1]", "exa mple", "x".repeat(254))) {
            assertThatThrownBy(() -> ca.serverContextFor(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ca.serverContextForListener(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contextsOfferOnlyTls13And12() throws Exception {
        GatewayCa ca = GatewayCa.create(dir, CLOCK);

        assertThat(ca.serverContextFor("api.example.test")
                        .getDefaultSSLParameters()
                        .getProtocols())
                .containsExactlyInAnyOrderElementsOf(GatewayCa.PROTOCOLS);
    }

    private X509Certificate[] handshake(SSLContext server, String host) throws Exception {
        return handshake(server, host, GatewayCa.load(dir, CLOCK));
    }

    /**
     * Serves one TLS connection from {@code server} on loopback and connects to it with a client that
     * trusts only {@code trusted}'s certificate, verifies the name {@code host} and sends it as SNI
     * (names only: SNI carries no addresses). Returns the chain the client accepted.
     */
    private X509Certificate[] handshake(SSLContext server, String host, GatewayCa trusted) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket)
                server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<?> served = pool.submit(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(5_000);
                    InputStream in = s.getInputStream();
                    int b = in.read();
                    OutputStream out = s.getOutputStream();
                    out.write(b);
                    out.flush();
                } catch (IOException e) {
                    // the client refused the certificate: nothing to serve
                }
                return null;
            });
            X509Certificate[] chain;
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trustOnly(readCert(trusted.certificatePath())), null);
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            // Layered over a plain socket, the TLS socket verifies (and, for a name, sends as SNI)
            // the host it was asked to reach, not the address it connected to.
            try (SSLSocket s =
                    (SSLSocket) client.getSocketFactory().createSocket(plain, host, listener.getLocalPort(), true)) {
                s.setSoTimeout(5_000);
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!Cidr.isIpLiteral(host)) {
                    p.setServerNames(List.of(new SNIHostName(host)));
                }
                s.setSSLParameters(p);
                s.startHandshake();
                s.getOutputStream().write(42);
                s.getOutputStream().flush();
                assertThat(s.getInputStream().read()).isEqualTo(42);
                chain = (X509Certificate[]) s.getSession().getPeerCertificates();
            }
            served.get(5, TimeUnit.SECONDS);
            return chain;
        }
    }

    private static javax.net.ssl.TrustManager[] trustOnly(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static X509Certificate readCert(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }
}
