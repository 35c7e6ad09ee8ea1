package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.GatewaySession;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GW-1 end to end: off-the-shelf clients, pointed at the gateway as their HTTPS proxy and trusting
 * only its CA, call a loopback HTTPS upstream that echoes what it receives. The upstream sees the
 * credential; the agent's side sees only the mask.
 */
class GatewayEndToEndTest {
    @TempDir
    static Path tmp;

    static GatewayWorld world;
    static GatewaySession session;

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayWorld(tmp);
        world.startGateway();
        world.addGrant(world.grant(List.of("GET", "POST"), List.of("/")));
        session = world.openSession();
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    @Test
    void jdkHttpClient_getsTheAnswer_withTheCredentialMasked_andTheUpstreamGetsTheCredential() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .proxy(ProxySelector.of(
                        new InetSocketAddress("127.0.0.1", world.gateway.uri().getPort())))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(
                                session.proxyUser(), session.credential().toCharArray());
                    }
                })
                .sslContext(trusting(world.dir.caCertificate()))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        int before = world.upstream.received.size();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + world.upstream.port() + "/echo?page=2"))
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(GatewayWorld.API_KEY).contains("auth=Bearer " + Forwarder.MASK);
        assertThat(r.body()).contains("query=page=2").contains("body=hello");
        assertThat(r.headers().firstValue("X-Echo-Authorization")).contains("Bearer " + Forwarder.MASK);
        TestUpstream.Received got = world.upstream.received.get(before);
        assertThat(got.header("Authorization")).isEqualTo("Bearer " + GatewayWorld.API_KEY);
        assertThat(got.header("Proxy-Authorization")).isNull();
        assertThat(new String(got.body())).isEqualTo("hello");
    }

    @Test
    void curl_throughTheGateway_seesOnlyTheMask() throws Exception {
        int before = world.upstream.received.size();
        Processes.Result r = Processes.run(
                List.of(
                        Processes.require("/usr/bin/curl").toString(),
                        "-sS",
                        "-D",
                        "-",
                        "--proxy",
                        world.gateway.uri().toString(),
                        "--proxy-user",
                        session.proxyUser() + ":" + session.credential(),
                        "--cacert",
                        world.dir.caCertificate().toString(),
                        "https://127.0.0.1:" + world.upstream.port() + "/echo"),
                Map.of());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("auth=Bearer " + Forwarder.MASK).doesNotContain(GatewayWorld.API_KEY);
        assertThat(r.out().toLowerCase(java.util.Locale.ROOT))
                .contains("x-echo-authorization: bearer " + Forwarder.MASK.toLowerCase(java.util.Locale.ROOT));
        assertThat(world.upstream.received.get(before).header("Authorization"))
                .isEqualTo("Bearer " + GatewayWorld.API_KEY);
    }

    @Test
    void pythonRequests_withHttpsProxyAndCaBundleFromTheEnvironment_seesOnlyTheMask() throws Exception {
        int before = world.upstream.received.size();
        String script = String.join(
                "\n",
                "import os, requests",
                "r = requests.get('https://127.0.0.1:" + world.upstream.port() + "/echo?q=1', timeout=30)",
                "print(r.status_code)",
                "print(r.headers.get('X-Echo-Authorization'))",
                "print(r.text)",
                "print('ENV-HAS-KEY' if any('" + GatewayWorld.API_KEY
                        + "' in v for v in os.environ.values()) else 'ENV-CLEAN')");
        String proxy = "http://" + session.proxyUser() + ":" + session.credential() + "@127.0.0.1:"
                + world.gateway.uri().getPort();
        Processes.Result r = Processes.run(
                List.of(Processes.require("/usr/bin/python3").toString(), "-c", script),
                Map.of(
                        "HTTPS_PROXY",
                        proxy,
                        "REQUESTS_CA_BUNDLE",
                        world.dir.caCertificate().toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("200\nBearer " + Forwarder.MASK + "\n");
        assertThat(r.out())
                .contains("auth=Bearer " + Forwarder.MASK)
                .contains("ENV-CLEAN")
                .doesNotContain(GatewayWorld.API_KEY);
        TestUpstream.Received got = world.upstream.received.get(before);
        assertThat(got.header("Authorization")).isEqualTo("Bearer " + GatewayWorld.API_KEY);
        assertThat(got.query()).isEqualTo("q=1");
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(caPem)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
