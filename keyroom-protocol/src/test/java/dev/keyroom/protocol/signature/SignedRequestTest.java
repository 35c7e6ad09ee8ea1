package dev.keyroom.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.identity.Identity;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedRequestTest {
    static final SecureRandom RANDOM = new SecureRandom();

    Map<String, String> signed(Identity id, String method, String uri, byte[] body) {
        return new RequestSigner(id, () -> Instant.ofEpochSecond(1_700_000_000L), RANDOM)
                .sign(method, URI.create(uri), body);
    }

    @Test
    void sign_thenParseAndVerify_accepts() throws Exception {
        try (Identity id = Identity.generate(RANDOM)) {
            Map<String, String> h = signed(id, "POST", "https://keyroom.test:8443/v1/rooms?x=1", "{}".getBytes());
            SignedRequest sr =
                    SignedRequest.parse(List.of(h.get("signature-input")), List.of(h.get("signature")), true);
            assertThat(sr.keyid()).isEqualTo(id.endpoint());
            assertThat(sr.created()).isEqualTo(1_700_000_000L);
            TestRequest req = new TestRequest(
                    "POST",
                    "https",
                    "KEYROOM.test:8443",
                    "/v1/rooms",
                    "x=1",
                    Map.of("content-digest", List.of(h.get("content-digest"))));
            assertThat(SignatureVerifier.verify(sr.params(), req, id.signPub(), sr.signature()))
                    .isTrue();
        }
    }

    @Test
    void parse_withoutContentDigestCoverageOnPost_rejects() throws Exception {
        try (Identity id = Identity.generate(RANDOM)) {
            Map<String, String> h = signed(id, "GET", "https://k.test/v1/me", null);
            assertThatThrownBy(() ->
                            SignedRequest.parse(List.of(h.get("signature-input")), List.of(h.get("signature")), true))
                    .isInstanceOf(SignatureException.class)
                    .hasMessageContaining("content-digest");
        }
    }

    @Test
    void parse_twoSignatures_rejects() throws Exception {
        try (Identity id = Identity.generate(RANDOM)) {
            Map<String, String> h = signed(id, "GET", "https://k.test/v1/me", null);
            String input = h.get("signature-input");
            String second = input.replace("sig1=", "sig2=");
            assertThatThrownBy(() -> SignedRequest.parse(List.of(input, second), List.of(h.get("signature")), false))
                    .isInstanceOf(SignatureException.class);
        }
    }

    @Test
    void parse_shortNonceOrWrongAlg_rejects() throws Exception {
        String sig = "s=:" + "A".repeat(86) + "==:";
        String base = "s=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1;keyid=\"" + "a".repeat(32) + "\"";
        assertThatThrownBy(() -> SignedRequest.parse(List.of(base + ";nonce=\"short\""), List.of(sig), false))
                .hasMessageContaining("nonce");
        assertThatThrownBy(() -> SignedRequest.parse(
                        List.of(base + ";nonce=\"" + "n".repeat(16) + "\";alg=\"rsa-pss-sha512\""),
                        List.of(sig),
                        false))
                .hasMessageContaining("alg");
        assertThat(SignedRequest.parse(List.of(base + ";nonce=\"" + "n".repeat(16) + "\""), List.of(sig), false)
                        .nonce())
                .hasSize(16);
    }

    @Test
    void parse_missingRequiredComponent_rejects() {
        String sig = "s=:" + "A".repeat(86) + "==:";
        String input = "s=(\"@method\" \"@path\" \"@query\");created=1;keyid=\""
                + "a".repeat(32)
                + "\";nonce=\""
                + "n".repeat(16)
                + "\"";
        assertThatThrownBy(() -> SignedRequest.parse(List.of(input), List.of(sig), false))
                .hasMessageContaining("@authority");
    }

    @Test
    void contentDigest_roundTripAndOtherAlgorithmsIgnored() throws Exception {
        byte[] d = new byte[32];
        d[0] = 7;
        assertThat(ContentDigest.sha256(ContentDigest.header(d))).contains(d);
        assertThat(ContentDigest.sha256("sha-512=:AAAA:")).isEmpty();
        assertThatThrownBy(() -> ContentDigest.sha256("sha-256=:AAAA:")).isInstanceOf(SignatureException.class);
    }
}
