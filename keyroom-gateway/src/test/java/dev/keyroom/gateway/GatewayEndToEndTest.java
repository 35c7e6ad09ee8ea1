package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.protocol.grant.GrantDocument;
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

    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> LOGS =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        LOGS.start();
        root.addAppender(LOGS);
        world = new GatewayWorld(tmp);
        world.startGateway();
        world.addGrant(world.grant(List.of("GET", "POST"), List.of("/")));
        session = world.openSession();
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(LOGS);
        root.setLevel(ch.qos.logback.classic.Level.WARN);
        // GW-1: not one log line of the whole run, at DEBUG and from every library, carries the key.
        assertThat(LOGS.list).isNotEmpty();
        assertThat(LOGS.list)
                .noneMatch(e -> e.getFormattedMessage().contains(GatewayWorld.API_KEY)
                        || (e.getThrowableProxy() != null
                                && e.getThrowableProxy().getMessage() != null
                                && e.getThrowableProxy().getMessage().contains(GatewayWorld.API_KEY)));
    }

    @Test
    void basicAndQueryInjections_reachTheUpstream_andTheirEchoesAreMasked() throws Exception {
        for (GrantDocument.Injection inject : List.of(
                new GrantDocument.Injection("basic", null, "api:{value}"),
                new GrantDocument.Injection("query", "key", "{value}"))) {
            dev.keyroom.core.identity.Identity id = world.newAgent("inject-" + inject.kind());
            world.addGrant(world.grant(id, List.of("GET"), List.of("/"), inject, 60, 1000));
            GatewaySession s = world.openSession(id);
            int before = world.upstream.received.size();
            // The agent tries to supply its own credential too: it is dropped, the grant's is used.
            Processes.Result r = Processes.run(
                    List.of(
                            "/usr/bin/curl",
                            "-sS",
                            "-H",
                            "Authorization: Bearer agent-made-up",
                            "--proxy",
                            world.gateway.uri().toString(),
                            "--proxy-user",
                            s.proxyUser() + ":" + s.credential(),
                            "--cacert",
                            world.dir.caCertificate().toString(),
                            "https://127.0.0.1:" + world.upstream.port() + "/echo?key=agent-made-up&x=1"),
                    Map.of());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).doesNotContain(GatewayWorld.API_KEY).contains(Forwarder.MASK);
            TestUpstream.Received got = world.upstream.received.get(before);
            if (inject.kind().equals("basic")) {
                String expected = java.util.Base64.getEncoder()
                        .encodeToString(
                                ("api:" + GatewayWorld.API_KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(got.header("Authorization")).isEqualTo("Basic " + expected);
                assertThat(r.out()).doesNotContain(expected);
            } else {
                assertThat(got.query())
                        .isEqualTo("x=1&key="
                                + java.net.URLEncoder.encode(
                                        GatewayWorld.API_KEY, java.nio.charset.StandardCharsets.UTF_8));
                assertThat(got.header("Authorization")).isEqualTo("Bearer agent-made-up");
            }
        }
    }

    @Test
    void everyProxiedCall_isInTheHashChainedAuditLog_withoutQueryValuesOrTheKey() throws Exception {
        Processes.run(
                List.of(
                        "/usr/bin/curl",
                        "-sS",
                        "--proxy",
                        world.gateway.uri().toString(),
                        "--proxy-user",
                        session.proxyUser() + ":" + session.credential(),
                        "--cacert",
                        world.dir.caCertificate().toString(),
                        "https://127.0.0.1:" + world.upstream.port() + "/echo?token=agent-secret-query-value"),
                Map.of());
        Path log = world.dir.audit().resolve("audit.log");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> java.nio.file.Files.readString(log).contains("/echo?token\""));
        String text = java.nio.file.Files.readString(log);
        assertThat(text)
                .doesNotContain(GatewayWorld.API_KEY)
                .doesNotContain("agent-secret-query-value")
                .doesNotContain(session.credential());
        assertThat(text).contains("proxy GET").contains("session open").contains("CONNECT");
        assertThat(text).contains(world.agent.endpoint().value());
        try (java.io.BufferedReader l = java.nio.file.Files.newBufferedReader(log);
                java.io.BufferedReader c =
                        java.nio.file.Files.newBufferedReader(world.dir.audit().resolve("checkpoints.log"))) {
            dev.keyroom.protocol.audit.AuditChain.Report report =
                    dev.keyroom.protocol.audit.AuditChain.verify(l, c, world.gateway.signPub());
            assertThat(report.problem()).isEmpty();
            assertThat(report.entries()).isGreaterThan(3);
        }
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
