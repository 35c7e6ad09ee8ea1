package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.grant.GrantDocument;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent, a thief of its session, or someone who can write the server's store tries against
 * the gateway, each refused, audited, and shown to fail without its defence (GW-2, GW-4 to GW-8).
 * Every test has its own agent, so one test's grants and revocations do not touch another's.
 */
class GatewayAttackTest {
    @TempDir
    static Path tmp;

    static GatewayWorld world;
    static SSLContext trustGateway;

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayWorld(tmp);
        world.startGateway();
        trustGateway = GatewayEndToEndTest.trusting(world.dir.caCertificate());
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    private static int port() {
        return world.gateway.uri().getPort();
    }

    private static String upstream() {
        return "127.0.0.1:" + world.upstream.port();
    }

    private record Agent(Identity id, GatewaySession session) {
        String auth() {
            return RawProxy.basic(session.proxyUser(), session.credential());
        }
    }

    private static Agent agentWith(
            String name,
            GrantDocument.Injection inject,
            List<String> methods,
            List<String> prefixes,
            int rate,
            long budget) {
        Identity id = world.newAgent(name);
        world.addGrant(world.grant(id, methods, prefixes, inject, rate, budget));
        return new Agent(id, world.openSession(id));
    }

    private static Agent agent(String name) {
        return agentWith(name, bearer(), List.of("GET"), List.of("/"), 600, 100_000);
    }

    private static GrantDocument.Injection bearer() {
        return new GrantDocument.Injection("header", "Authorization", "Bearer {value}");
    }

    @Test
    void aConnectWithoutASession_orWithAWrongCredential_is407() throws Exception {
        Agent a = agent("no-session");
        assertThat(RawProxy.connect(port(), upstream(), null).status()).isEqualTo(407);
        assertThat(RawProxy.connect(port(), upstream(), null).headers())
                .containsEntry("proxy-authenticate", "Basic realm=\"keyroom-gateway\"");
        assertThat(RawProxy.connect(
                                port(), upstream(), RawProxy.basic(a.session().proxyUser(), "krg1_" + "A".repeat(43)))
                        .status())
                .isEqualTo(407);
        // A stolen credential presented under another agent's name does not work either.
        assertThat(RawProxy.connect(
                                port(),
                                upstream(),
                                RawProxy.basic(
                                        world.agent.endpoint().value(),
                                        a.session().credential()))
                        .status())
                .isEqualTo(407);
        assertThat(RawProxy.connect(port(), upstream(), a.auth()).status()).isEqualTo(200);
    }

    @Test
    void anAgentWithoutAnyGrant_cannotOpenASession() {
        Identity nobody = world.newAgent("no-grant");
        assertThatThrownBy(() -> world.openSession(nobody)).hasMessageContaining("only agents named by a live grant");
    }

    @Test
    void aGrantForOneHost_doesNotOpenAnother() throws Exception {
        Agent a = agent("host-a");
        // The same upstream by another name, another port, and the addresses an SSRF would aim at.
        for (String target : List.of(
                "localhost:" + world.upstream.port(),
                "127.0.0.1:1",
                "127.0.0.1:443",
                "10.0.0.1:443",
                "169.254.169.254:80",
                "metadata.test:443")) {
            RawProxy.Answer r = RawProxy.connect(port(), target, a.auth());
            assertThat(r.status()).as(target).isEqualTo(403);
            assertThat(r.body()).contains("no_grant");
        }
    }

    @Test
    void aGrantNamingAHostThatResolvesToAForbiddenAddress_isRefusedAtConnect() throws Exception {
        Identity id = world.newAgent("ssrf");
        for (String host : List.of("metadata.test", "internal.test", "rebind.test", "localhost")) {
            world.addGrant(world.grant(
                    id, host, 443, List.of("GET"), List.of("/"), bearer(), 60, 1000, Duration.ofDays(1), null));
        }
        GatewaySession s = world.openSession(id);
        String auth = RawProxy.basic(s.proxyUser(), s.credential());
        for (String host : List.of("metadata.test", "internal.test", "rebind.test", "localhost")) {
            RawProxy.Answer r = RawProxy.connect(port(), host + ":443", auth);
            assertThat(r.status()).as(host).isEqualTo(403);
            assertThat(r.body()).contains("address_refused").doesNotContain(GatewayWorld.API_KEY);
        }
        // Named explicitly, the same loopback address is reachable: the refusal above is the policy, not a failure.
        world.addGrant(world.grant(
                id,
                "localhost",
                world.upstream.port(),
                List.of("GET"),
                List.of("/"),
                bearer(),
                60,
                1000,
                Duration.ofDays(1),
                List.of("127.0.0.0/8")));
        assertThat(RawProxy.connect(port(), "localhost:" + world.upstream.port(), auth)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aPathOutsideThePrefixes_orAnAmbiguousPath_isRefused_andNothingReachesTheUpstream() throws Exception {
        Agent a = agentWith("paths", bearer(), List.of("GET"), List.of("/v1/"), 600, 100_000);
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
            int before = world.upstream.received.size();
            assertThat(RawProxy.request(t, "GET", "/echo", "x").status()).isEqualTo(403);
            assertThat(RawProxy.request(t, "GET", "/v1/%2e%2e/echo", "x").status())
                    .isEqualTo(400);
            assertThat(RawProxy.request(t, "GET", "/v1//../echo", "x").status()).isIn(400);
            assertThat(RawProxy.request(t, "GET", "/v10", "x").status()).isEqualTo(403);
            assertThat(world.upstream.received.size()).isEqualTo(before);
            assertThat(RawProxy.request(t, "GET", "/v1/ok", "x").status()).isEqualTo(200);
            assertThat(world.upstream.received.size()).isEqualTo(before + 1);
        }
    }

    @Test
    void aMethodTheGrantDoesNotAllow_isRefused() throws Exception {
        Agent a = agent("methods");
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
            int before = world.upstream.received.size();
            assertThat(RawProxy.request(t, "DELETE", "/echo", "x").status()).isEqualTo(403);
            assertThat(RawProxy.request(t, "POST", "/echo", "x").status()).isEqualTo(403);
            assertThat(world.upstream.received.size()).isEqualTo(before);
        }
    }

    @Test
    void anExpiredGrant_isNotHonoured() throws Exception {
        Identity id = world.newAgent("expiring");
        GrantDocument g = world.grant(
                id,
                "127.0.0.1",
                world.upstream.port(),
                List.of("GET"),
                List.of("/"),
                bearer(),
                60,
                1000,
                Duration.ofSeconds(3),
                null);
        world.addGrant(g);
        GatewaySession s = world.openSession(id);
        String auth = RawProxy.basic(s.proxyUser(), s.credential());
        assertThat(RawProxy.connect(port(), upstream(), auth).status()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Instant.now().isAfter(Instant.parse(g.expiresAt())));
        assertThat(RawProxy.connect(port(), upstream(), auth).status()).isEqualTo(403);
    }

    @Test
    void aRevokedGrant_refusesTheNextRequest_andCutsTheOpenTunnelWithinASecond() throws Exception {
        Identity id = world.newAgent("revoked-grant");
        String grant = world.addGrant(world.grant(id, List.of("GET"), List.of("/")));
        GatewaySession s = world.openSession(id);
        String auth = RawProxy.basic(s.proxyUser(), s.credential());
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), auth, trustGateway)) {
            assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(200);
            world.ownerClient.grants().revoke(world.room, grant);
            assertCutWithinASecond(t);
        }
        assertThat(RawProxy.connect(port(), upstream(), auth).status()).isEqualTo(403);
    }

    @Test
    void anAgentRevokedMidTunnel_isCutWithinASecond() throws Exception {
        Agent a = agent("revoked-agent");
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
            assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(200);
            world.node.admin.users().revoke(a.id().endpoint());
            assertCutWithinASecond(t);
        }
        assertThat(RawProxy.connect(port(), upstream(), a.auth()).status()).isEqualTo(403);
    }

    @Test
    void aSessionCredential_isRefusedAfterItExpires() throws Exception {
        Identity id = world.newAgent("short-session");
        world.addGrant(world.grant(id, List.of("GET"), List.of("/")));
        GatewaySession s = GatewaySession.open(world.onGateway(id), java.util.Optional.of(Duration.ofSeconds(2)));
        String auth = RawProxy.basic(s.proxyUser(), s.credential());
        assertThat(RawProxy.connect(port(), upstream(), auth).status()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Instant.now().isAfter(s.expires()));
        assertThat(RawProxy.connect(port(), upstream(), auth).status()).isEqualTo(407);
    }

    @Test
    void aGrantRowForgedIntoTheServersStore_doesNothing() throws Exception {
        Identity id = world.newAgent("forger");
        // The agent writes itself a grant that names the owner as granter, signed with its own key.
        GrantDocument forged = world.grant(id, List.of("GET"), List.of("/"));
        dev.keyroom.protocol.grant.SignedGrant bySelf = new dev.keyroom.protocol.grant.SignedGrant(
                dev.keyroom.protocol.Json.mapper().writeValueAsBytes(forged),
                id.sign(("keyroom-grant-v1\0"
                                + new String(
                                        dev.keyroom.protocol.Json.mapper().writeValueAsBytes(forged),
                                        java.nio.charset.StandardCharsets.UTF_8))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + world.node.dir.resolve("keyroom.db"));
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO grants (room_id, grant_id, agent, granter, secret,"
                                + " created_at, expires_at, document, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            c.createStatement().execute("PRAGMA busy_timeout=5000");
            ps.setString(1, world.room.value());
            ps.setString(2, forged.grantId());
            ps.setString(3, id.endpoint().value());
            ps.setString(4, world.owner.endpoint().value());
            ps.setString(5, "api-key");
            ps.setLong(6, Instant.parse(forged.createdAt()).toEpochMilli());
            ps.setLong(7, Instant.parse(forged.expiresAt()).toEpochMilli());
            ps.setBytes(8, bySelf.document());
            ps.setBytes(9, bySelf.signature());
            ps.executeUpdate();
        }
        // The server lists it (the store says so), and the gateway does not honour it.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> world.ownerClient.grants().list(world.room).stream()
                        .anyMatch(g -> g.grantId().equals(forged.grantId())));
        world.gateway.refresh();
        assertThat(world.gateway.honouredGrants()).doesNotContain(forged.grantId());
        assertThatThrownBy(() -> world.openSession(id)).hasMessageContaining("only agents named by a live grant");
    }

    @Test
    void anUpstreamWithACertificateFromAnUnknownCa_is502_andReceivesNothing() throws Exception {
        Identity id = world.newAgent("untrusted-upstream");
        GrantDocument g = world.grant(id, List.of("GET"), List.of("/"));
        GrantDocument systemTrust = new GrantDocument(
                g.v(),
                g.grantId(),
                g.room(),
                g.agent(),
                g.granter(),
                g.secret(),
                g.upstream(),
                g.methods(),
                g.pathPrefixes(),
                g.inject(),
                g.ratePerMinute(),
                g.budgetPerDay(),
                g.createdAt(),
                g.expiresAt(),
                g.allowAddresses(),
                null,
                null);
        world.addGrant(systemTrust);
        GatewaySession s = world.openSession(id);
        try (SSLSocket t = RawProxy.tunnel(
                port(),
                "127.0.0.1",
                world.upstream.port(),
                RawProxy.basic(s.proxyUser(), s.credential()),
                trustGateway)) {
            int before = world.upstream.received.size();
            RawProxy.Answer r = RawProxy.request(t, "GET", "/echo", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.body()).contains("upstream_untrusted").doesNotContain(GatewayWorld.API_KEY);
            assertThat(world.upstream.received.size()).isEqualTo(before);
        }
    }

    @Test
    void aRedirect_isReturnedToTheAgent_notFollowed() throws Exception {
        Agent a = agent("redirected");
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
            int before = world.upstream.received.size();
            RawProxy.Answer r = RawProxy.request(t, "GET", "/redirect", "x");
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.headers()).containsEntry("location", "https://elsewhere.example/steal");
            assertThat(world.upstream.received.size()).isEqualTo(before + 1);
        }
        // Following it means a CONNECT to another host, which no grant allows.
        assertThat(RawProxy.connect(port(), "elsewhere.example:443", a.auth()).status())
                .isEqualTo(403);
    }

    @Test
    void rateAndBudget_areAnswered429_andStayExhaustedAcrossARestart() throws Exception {
        Agent rated = agentWith("rated", bearer(), List.of("GET"), List.of("/"), 2, 100_000);
        Agent budgeted = agentWith("budgeted", bearer(), List.of("GET"), List.of("/"), 100, 2);
        for (Agent a : List.of(rated, budgeted)) {
            try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
                assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(200);
                RawProxy.Answer second = RawProxy.request(t, "GET", "/ok", "x");
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.headers().get("ratelimit")).contains("r=0");
                RawProxy.Answer third = RawProxy.request(t, "GET", "/ok", "x");
                assertThat(third.status()).isEqualTo(429);
                assertThat(third.headers()).containsKeys("retry-after", "ratelimit", "ratelimit-policy");
            }
        }
        world.startGateway();
        for (Agent a : List.of(rated, budgeted)) {
            // Sessions survive the restart too; the counts have not been reset.
            try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), a.auth(), trustGateway)) {
                assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(429);
            }
        }
    }

    @Test
    void aRotatedSecret_isUsedFromTheNextRequest_andCutsOpenTunnels() throws Exception {
        Identity id = world.newAgent("rotation");
        byte[] v1 = "rotating-key-version-one".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] v2 = "rotating-key-version-two".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        world.ownerClient.secrets().put(world.room, "rotating", v1, 0);
        GrantDocument g = world.grant(id, List.of("GET"), List.of("/"));
        world.addGrant(new GrantDocument(
                g.v(),
                g.grantId(),
                g.room(),
                g.agent(),
                g.granter(),
                "rotating",
                g.upstream(),
                g.methods(),
                g.pathPrefixes(),
                g.inject(),
                g.ratePerMinute(),
                g.budgetPerDay(),
                g.createdAt(),
                g.expiresAt(),
                g.allowAddresses(),
                g.upstreamCa(),
                g.upstreamPin()));
        GatewaySession s = world.openSession(id);
        String auth = RawProxy.basic(s.proxyUser(), s.credential());
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), auth, trustGateway)) {
            int before = world.upstream.received.size();
            assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(200);
            assertThat(world.upstream.received.get(before).header("Authorization"))
                    .isEqualTo("Bearer rotating-key-version-one");
            world.ownerClient.secrets().put(world.room, "rotating", v2, 1);
            assertCutWithinASecond(t);
        }
        try (SSLSocket t = RawProxy.tunnel(port(), "127.0.0.1", world.upstream.port(), auth, trustGateway)) {
            int before = world.upstream.received.size();
            assertThat(RawProxy.request(t, "GET", "/ok", "x").status()).isEqualTo(200);
            assertThat(world.upstream.received.get(before).header("Authorization"))
                    .isEqualTo("Bearer rotating-key-version-two");
        }
    }

    @Test
    void aCapturedSessionRequest_replayed_opensNothing() throws Exception {
        Identity id = world.newAgent("replayed");
        world.addGrant(world.grant(id, List.of("GET"), List.of("/")));
        java.net.URI uri = world.gateway.uri().resolve("/v1/sessions");
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.Map<String, String> signed = new dev.keyroom.protocol.signature.RequestSigner(
                        id, dev.keyroom.core.port.Clock.system(), dev.keyroom.server.TestNode.RANDOM)
                .sign("POST", uri, body);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(uri)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
        signed.forEach(req::header);
        assertThat(http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(201);
        java.net.http.HttpResponse<String> replay =
                http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("replayed nonce").doesNotContain("credential");
        // Nor is a request signed for another authority (a capture from another gateway) accepted.
        java.util.Map<String, String> elsewhere = new dev.keyroom.protocol.signature.RequestSigner(
                        id, dev.keyroom.core.port.Clock.system(), dev.keyroom.server.TestNode.RANDOM)
                .sign("POST", java.net.URI.create("http://127.0.0.1:1/v1/sessions"), body);
        java.net.http.HttpRequest.Builder other = java.net.http.HttpRequest.newBuilder(uri)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        elsewhere.forEach(other::header);
        assertThat(http.send(other.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
    }

    private static void assertCutWithinASecond(SSLSocket t) throws IOException {
        // The promise: within one second of the revocation's commit, the tunnel is gone.
        t.setSoTimeout(1_000);
        try {
            assertThat(t.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException | javax.net.ssl.SSLException e) {
            // A reset is a cut too.
        }
    }
}
