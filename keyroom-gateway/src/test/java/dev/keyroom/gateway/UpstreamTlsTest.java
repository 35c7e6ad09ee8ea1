package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.keyroom.core.port.Clock;
import dev.keyroom.gateway.UpstreamTls.Trust;
import dev.keyroom.protocol.grant.GrantDocument;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real handshakes between a Jetty HttpClient and a loopback HTTPS server whose certificate a test CA
 * signed. A refused handshake must leave the server without a single request.
 */
class UpstreamTlsTest {
    private static TestCerts upstreamCa;
    private static TestCerts strangerCa;
    private static TestCerts.Leaf leaf;

    private final AtomicInteger requests = new AtomicInteger();
    private final UpstreamTls tls = new UpstreamTls(Clock.system());
    private HttpsServer server;

    @BeforeAll
    static void pki() throws Exception {
        upstreamCa = TestCerts.ca("Upstream test CA");
        strangerCa = TestCerts.ca("Stranger test CA");
        leaf = upstreamCa.leaf(List.of("127.0.0.1"), Duration.ofDays(1));
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(leaf.serverContext()));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "upstream".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theGrantsCaValidatesTheUpstream() throws Exception {
        ContentResponse r = get(tls.factoryFor(Trust.ca(upstreamCa.pem())), "127.0.0.1");

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContentAsString()).isEqualTo("upstream");
        assertThat(requests).hasValue(1);
    }

    @Test
    void anUnknownCaFailsTheHandshakeAndSendsNothing() {
        assertThatThrownBy(() -> get(tls.factoryFor(Trust.ca(strangerCa.pem())), "127.0.0.1"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(requests).hasValue(0);
    }

    @Test
    void withACaTheHostNameIsVerified() {
        // The leaf names 127.0.0.1 only; reached as localhost, it must be refused.
        assertThatThrownBy(() -> get(tls.factoryFor(Trust.ca(upstreamCa.pem())), "localhost"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class)
                .rootCause()
                .hasMessageContaining("localhost");
        assertThat(requests).hasValue(0);
    }

    @Test
    void theRightPinValidatesWhateverTheName() throws Exception {
        SslContextFactory.Client pinned = tls.factoryFor(Trust.pin(UpstreamTls.pinOf(leaf.cert())));

        assertThat(get(pinned, "127.0.0.1").getStatus()).isEqualTo(200);
        assertThat(get(pinned, "localhost").getStatus()).isEqualTo(200);
        assertThat(requests).hasValue(2);
    }

    @Test
    void aWrongPinFailsTheHandshakeAndSendsNothing() throws Exception {
        TestCerts.Leaf other = upstreamCa.leaf(List.of("127.0.0.1"), Duration.ofDays(1));

        assertThatThrownBy(() -> get(tls.factoryFor(Trust.pin(UpstreamTls.pinOf(other.cert()))), "127.0.0.1"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class)
                .rootCause()
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not match the grant's upstream_pin")
                .hasMessageContaining(UpstreamTls.pinOf(leaf.cert()));
        assertThat(requests).hasValue(0);
    }

    @Test
    void aPinnedLeafOutsideItsDatesIsRefused() {
        UpstreamTls later = new UpstreamTls(() -> Instant.now().plus(Duration.ofDays(3)));

        assertThatThrownBy(() -> get(later.factoryFor(Trust.pin(UpstreamTls.pinOf(leaf.cert()))), "127.0.0.1"))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(java.security.cert.CertificateExpiredException.class);
        assertThat(requests).hasValue(0);
    }

    @Test
    void systemTrustRefusesTheTestCa() {
        assertThatThrownBy(() -> get(tls.factoryFor(Trust.system()), "127.0.0.1"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
        assertThat(requests).hasValue(0);
    }

    @Test
    void factoriesAreCachedPerTrustSettingAndStarted() throws Exception {
        SslContextFactory.Client ca = tls.factoryFor(Trust.ca(upstreamCa.pem()));

        assertThat(tls.factoryFor(Trust.ca(upstreamCa.pem()))).isSameAs(ca);
        assertThat(tls.factoryFor(Trust.ca(strangerCa.pem()))).isNotSameAs(ca);
        assertThat(tls.factoryFor(Trust.system())).isSameAs(tls.factoryFor(Trust.system()));
        String pin = UpstreamTls.pinOf(leaf.cert());
        assertThat(tls.factoryFor(Trust.pin(pin))).isSameAs(tls.factoryFor(Trust.pin(pin)));
        assertThat(ca.isStarted()).isTrue();
    }

    @Test
    void noFactorySkipsValidation() throws Exception {
        for (Trust t : List.of(Trust.system(), Trust.ca(strangerCa.pem()), Trust.pin(UpstreamTls.pinOf(leaf.cert())))) {
            SslContextFactory.Client f = tls.factoryFor(t);
            assertThat(f.isTrustAll()).as(t.cacheKey()).isFalse();
            assertThat(f.getEndpointIdentificationAlgorithm()).as(t.cacheKey()).isEqualTo("HTTPS");
            assertThat(f.getSelectedProtocols()).as(t.cacheKey()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void stoppingAClientLeavesTheSharedFactoryRunning() throws Exception {
        SslContextFactory.Client f = tls.factoryFor(Trust.ca(upstreamCa.pem()));

        get(f, "127.0.0.1");

        assertThat(f.isRunning()).isTrue();
        assertThat(get(f, "127.0.0.1").getStatus()).isEqualTo(200);
    }

    @Test
    void theTrustFollowsTheGrant() throws Exception {
        assertThat(Trust.of(grant(null, null))).isEqualTo(Trust.system());
        assertThat(Trust.of(grant(upstreamCa.pem(), null))).isEqualTo(Trust.ca(upstreamCa.pem()));
        String pin = UpstreamTls.pinOf(leaf.cert());
        assertThat(Trust.of(grant(null, pin))).isEqualTo(Trust.pin(pin));
    }

    @Test
    void malformedTrustSettingsAreRefused() throws Exception {
        assertThatThrownBy(() -> tls.factoryFor(
                        Trust.ca("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream_ca");
        assertThatThrownBy(() -> tls.factoryFor(Trust.ca("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream_ca");
        assertThatThrownBy(() -> Trust.pin("sha256/short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256/");
    }

    private static GrantDocument grant(String ca, String pin) {
        return new GrantDocument(
                1, null, null, null, null, null, null, null, null, null, 1, 1, null, null, null, ca, pin);
    }

    /** One GET through a fresh Jetty HttpClient using {@code tls}, to the server reached as {@code host}. */
    private ContentResponse get(SslContextFactory.Client tls, String host) throws Exception {
        HttpClient client = new HttpClient();
        client.setSslContextFactory(tls);
        client.start();
        try {
            return client.newRequest(
                            "https://" + host + ":" + server.getAddress().getPort() + "/")
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
        } finally {
            client.stop();
        }
    }
}
