package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.server.Http;
import dev.keyroom.server.TestNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on request authentication, each against a real TLS node on loopback. */
class AuthAttackTest {
    @TempDir
    Path dir;

    TestNode node;
    Identity alice;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        alice = node.register("alice", Role.MEMBER);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    Map<String, String> sign(Identity id, Clock clock, String method, URI uri, byte[] body) {
        Map<String, String> h = new HashMap<>(new RequestSigner(id, clock, TestNode.RANDOM).sign(method, uri, body));
        if (body != null && body.length > 0) {
            h.put("content-type", "application/json");
        }
        return h;
    }

    Map<String, String> sign(Identity id, String method, URI uri, byte[] body) {
        return sign(id, Clock.system(), method, uri, body);
    }

    URI me() {
        return node.uri().resolve("/v1/me");
    }

    static void assertUnauthorized(HttpResponse<String> r, String reasonPart) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"unauthorized\"").contains(reasonPart);
        assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void honestSignedRequest_isAccepted() throws Exception {
        assertThat(Http.send(node.server, "GET", me(), sign(alice, "GET", me(), null), null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void missingSignature_isRefused() throws Exception {
        // AUTH-1: an unsigned /v1 request is refused.
        assertUnauthorized(Http.send(node.server, "GET", me(), Map.of(), null), "malformed signature");
    }

    @Test
    void malformedSignatureFields_areRefused() throws Exception {
        // AUTH-1: malformed Signature-Input or Signature is refused.
        Map<String, String> h = sign(alice, "GET", me(), null);
        h.put("signature", "sig1=:not-base64!:");
        assertUnauthorized(Http.send(node.server, "GET", me(), h, null), "malformed signature");
        Map<String, String> twice = sign(alice, "GET", me(), null);
        twice.put(
                "signature-input",
                twice.get("signature-input") + ", "
                        + twice.get("signature-input").replace("sig1=", "sig2="));
        assertUnauthorized(Http.send(node.server, "GET", me(), twice, null), "exactly one signature");
    }

    @Test
    void signatureNotCoveringRequiredComponents_isRefused() throws Exception {
        // AUTH-1: a signature that leaves @authority uncovered is refused even if it verifies.
        Map<String, String> h = sign(alice, "GET", me(), null);
        h.put("signature-input", h.get("signature-input").replace(" \"@authority\"", ""));
        assertUnauthorized(Http.send(node.server, "GET", me(), h, null), "@authority");
    }

    @Test
    void skewedClock_isRefused() throws Exception {
        // AUTH-2: created 120 s in the past or future is outside the 30 s window.
        Clock past = () -> Instant.now().minusSeconds(120);
        Clock future = () -> Instant.now().plusSeconds(120);
        assertUnauthorized(
                Http.send(node.server, "GET", me(), sign(alice, past, "GET", me(), null), null), "clock skew");
        assertUnauthorized(
                Http.send(node.server, "GET", me(), sign(alice, future, "GET", me(), null), null), "clock skew");
    }

    @Test
    void replayedRequest_isRefused() throws Exception {
        // AUTH-3: the same signed request sent twice is accepted once.
        URI rooms = node.uri().resolve("/v1/rooms");
        byte[] body =
                "{\"name\":\"r\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = sign(alice, "POST", rooms, body);
        assertThat(Http.send(node.server, "POST", rooms, h, body).statusCode()).isEqualTo(201);
        assertUnauthorized(Http.send(node.server, "POST", rooms, h, body), "replayed nonce");
        assertThat(node.client(alice).rooms().mine()).hasSize(1);
    }

    @Test
    void unknownOrRevokedKey_neverReachesTheNonceStore() throws Exception {
        // AUTH-4: a request from an unknown key is refused before the nonce check, so it cannot burn
        // a nonce that the real key later uses.
        Identity stranger = Identity.generate(TestNode.RANDOM);
        Map<String, String> h = sign(stranger, "GET", me(), null);
        assertUnauthorized(Http.send(node.server, "GET", me(), h, null), "unknown key or bad signature");
        node.admin.users().register(stranger.signPub(), stranger.kexPub(), "stranger", Role.AGENT);
        assertThat(Http.send(node.server, "GET", me(), h, null).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownKeyAndBadSignature_lookTheSame() throws Exception {
        // AUTH-4: the 401 never tells an unknown key from a bad signature.
        Identity stranger = Identity.generate(TestNode.RANDOM);
        HttpResponse<String> unknown = Http.send(node.server, "GET", me(), sign(stranger, "GET", me(), null), null);
        Identity mallory = node.register("mallory", Role.MEMBER);
        Map<String, String> forged = sign(mallory, "GET", me(), null);
        forged.put(
                "signature-input",
                forged.get("signature-input")
                        .replace(mallory.endpoint().value(), alice.endpoint().value()));
        HttpResponse<String> bad = Http.send(node.server, "GET", me(), forged, null);
        assertThat(unknown.statusCode()).isEqualTo(bad.statusCode()).isEqualTo(401);
        assertThat(strip(unknown.body())).isEqualTo(strip(bad.body()));
    }

    static String strip(String body) {
        return body.replaceAll("\"request_id\":\"[^\"]*\"", "");
    }

    @Test
    void tamperedBody_isRefused() throws Exception {
        // AUTH-4 step 5: the body must match the signed Content-Digest.
        URI rooms = node.uri().resolve("/v1/rooms");
        byte[] body = "{\"name\":\"honest\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] evil = "{\"name\":\"forged\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertUnauthorized(
                Http.send(node.server, "POST", rooms, sign(alice, "POST", rooms, body), evil),
                "content digest mismatch");
        assertThat(node.client(alice).rooms().mine()).isEmpty();
    }

    @Test
    void tamperedDigestHeader_isRefused() throws Exception {
        // AUTH-4: changing the digest to match a new body breaks the signature.
        URI rooms = node.uri().resolve("/v1/rooms");
        byte[] body = "{\"name\":\"honest\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] evil = "{\"name\":\"forged\",\"policy\":\"encrypted\",\"sealed_key\":\"AAAA\"}"
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = sign(alice, "POST", rooms, body);
        h.put(
                "content-digest",
                dev.keyroom.protocol.signature.ContentDigest.header(dev.keyroom.core.crypto.Digests.sha256(evil)));
        assertUnauthorized(Http.send(node.server, "POST", rooms, h, evil), "unknown key or bad signature");
    }

    @Test
    void tamperedPath_isRefused() throws Exception {
        // AUTH-1: a signature for /v1/me does not carry over to /v1/users.
        Map<String, String> h = sign(node.adminIdentity, "GET", me(), null);
        assertUnauthorized(
                Http.send(node.server, "GET", node.uri().resolve("/v1/users"), h, null),
                "unknown key or bad signature");
    }

    @Test
    void tamperedQuery_isRefused() throws Exception {
        URI signed = node.uri().resolve("/v1/me?a=1");
        Map<String, String> h = sign(alice, "GET", signed, null);
        assertUnauthorized(
                Http.send(node.server, "GET", node.uri().resolve("/v1/me?a=2"), h, null),
                "unknown key or bad signature");
    }

    @Test
    void swappedAuthority_isRefused() throws Exception {
        // AUTH-1: a request signed for another authority is refused.
        URI elsewhere = URI.create("https://keyroom.example.com/v1/me");
        assertUnauthorized(
                Http.send(node.server, "GET", me(), sign(alice, "GET", elsewhere, null), null),
                "unknown key or bad signature");
        URI otherPort = URI.create("https://127.0.0.1:1/v1/me");
        assertUnauthorized(
                Http.send(node.server, "GET", me(), sign(alice, "GET", otherPort, null), null),
                "unknown key or bad signature");
    }

    @Test
    void aRequestSignedForAndSentToAnotherAuthority_isRefusedByDefault() throws Exception {
        // AUTH-1: with public_authorities unset, a request captured at another deployment that
        // knows alice (signed for it and replayed here with its Host) is refused: by default only
        // the listen address and the names in the server's certificate are this server's.
        URI elsewhere = URI.create("https://keyroom.example.com/v1/me");
        dev.keyroom.server.RawHttp.Response r = dev.keyroom.server.RawHttp.send(
                node, "127.0.0.1", "keyroom.example.com", "GET", "/v1/me", sign(alice, "GET", elsewhere, null), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("authority is not one of this server's");
        // The certificate's names at the listening port are this server's.
        int port = node.uri().getPort();
        for (String host : new String[] {"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port}) {
            URI mine = URI.create("https://" + host + "/v1/me");
            dev.keyroom.server.RawHttp.Response ok = dev.keyroom.server.RawHttp.send(
                    node, "127.0.0.1", host, "GET", "/v1/me", sign(alice, "GET", mine, null), null);
            assertThat(ok.status()).as(host + ": " + ok.body()).isEqualTo(200);
        }
        // The right name at another port is not.
        URI otherPort = URI.create("https://localhost:" + (port + 1) + "/v1/me");
        assertThat(dev.keyroom.server.RawHttp.send(
                                node,
                                "127.0.0.1",
                                "localhost:" + (port + 1),
                                "GET",
                                "/v1/me",
                                sign(alice, "GET", otherPort, null),
                                null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void revokedKey_isRefusedOnItsNextRequest() throws Exception {
        // AUTH-8 (single node): revocation takes effect on the very next request.
        assertThat(Http.send(node.server, "GET", me(), sign(alice, "GET", me(), null), null)
                        .statusCode())
                .isEqualTo(200);
        node.admin.users().revoke(alice.endpoint());
        assertUnauthorized(
                Http.send(node.server, "GET", me(), sign(alice, "GET", me(), null), null),
                "unknown key or bad signature");
    }

    @Test
    void signatureByAnotherKey_isRefused() throws Exception {
        // AUTH-1: keyid names alice, the signature is mallory's.
        Identity mallory = node.register("mallory", Role.ADMIN);
        Map<String, String> h = sign(mallory, "GET", me(), null);
        h.put(
                "signature-input",
                h.get("signature-input")
                        .replace(mallory.endpoint().value(), alice.endpoint().value()));
        assertUnauthorized(Http.send(node.server, "GET", me(), h, null), "unknown key or bad signature");
    }

    @Test
    void onlyHealthzAndTheApiDescriptionAreUnauthenticated() throws Exception {
        // AUTH-6: /healthz and /openapi.json answer without a signature; every /v1 path, known or not, needs one.
        assertThat(Http.get(node.server, "/healthz").statusCode()).isEqualTo(200);
        assertThat(Http.get(node.server, "/openapi.json").statusCode()).isEqualTo(200);
        for (String p : new String[] {"/v1/me", "/v1/users", "/v1/rooms", "/v1/nonexistent", "/v1/audit"}) {
            assertThat(Http.get(node.server, p).statusCode()).as(p).isEqualTo(401);
        }
        assertThat(Http.get(node.server, "/").statusCode()).isEqualTo(404);
    }

    @Test
    void otherConformingSignature_isAccepted() throws Exception {
        // Interoperability: any RFC 9421 signer may choose its label, the order of components and
        // cover more than the minimum.
        URI uri = node.uri().resolve("/v1/me?x=1");
        long now = Instant.now().getEpochSecond();
        String authority = uri.getRawAuthority();
        String params = "(\"@path\" \"@query\" \"@method\" \"@authority\" \"accept\");created=" + now + ";keyid=\""
                + alice.endpoint().value() + "\";nonce=\"other-library-nonce-01\";alg=\"ed25519\";tag=\"x\"";
        String base = "\"@path\": /v1/me\n\"@query\": ?x=1\n\"@method\": GET\n\"@authority\": " + authority
                + "\n\"accept\": application/json\n\"@signature-params\": " + params;
        byte[] sig = alice.sign(base.getBytes(StandardCharsets.US_ASCII));
        Map<String, String> h = Map.of(
                "accept", "application/json",
                "signature-input", "my-sig=" + params,
                "signature", "my-sig=:" + java.util.Base64.getEncoder().encodeToString(sig) + ":");
        assertThat(Http.send(node.server, "GET", uri, h, null).statusCode()).isEqualTo(200);
    }

    @Test
    void everyResponse_carriesSecurityHeadersAndRequestId() throws Exception {
        // TLS-4 (early part): security headers on success and error alike.
        for (HttpResponse<String> r : java.util.List.of(
                Http.get(node.server, "/healthz"), Http.get(node.server, "/v1/me"), Http.get(node.server, "/nope"))) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .get()
                    .asString()
                    .startsWith("default-src 'none'");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
            assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
        }
    }
}
