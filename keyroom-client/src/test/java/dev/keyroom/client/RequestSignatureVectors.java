package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.mustFail;
import static dev.keyroom.client.Vectors.number;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureBase;
import dev.keyroom.protocol.signature.SignatureVerifier;
import dev.keyroom.protocol.signature.SignedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code request-signatures.json}: RFC 9421 signatures of requests, as the SDK makes and the server checks them. */
final class RequestSignatureVectors implements VectorKind {
    /** The vector whose bytes docs/protocol.md shows as its worked example. */
    static final String WORKED_EXAMPLE = "post-with-body";

    @Override
    public String file() {
        return "request-signatures.json";
    }

    @Override
    public String description() {
        return "Signed requests (RFC 9421, Ed25519). The signer is the identity of sign_seed_hex (keyid its endpoint"
                + " id); the request is method and url with the body body_hex (empty: none), signed at created"
                + " (Unix seconds) with nonce (the base64url of 24 random bytes). content_digest is present exactly"
                + " when the request must carry one; signature_base is the exact base (lines joined by a single LF,"
                + " no final LF); signature_input and signature are the header field values to send (label sig1);"
                + " signature_hex the raw 64-byte signature. expect ok: rebuilding the headers from these inputs"
                + " gives these bytes, and the signature verifies over the base. expect fail: the headers were"
                + " signed for another request than method and url, so the base rebuilt from method and url must"
                + " not verify.";
    }

    @Override
    public List<Map<String, Object>> generate() {
        String room = Vectors.roomId();
        String base = "https://keyroom.example:8443";
        byte[] envelope = "{\"envelope\":\"S1JNMQ\"}".getBytes(StandardCharsets.UTF_8);
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(sign("get-without-body", "GET", base + "/v1/me", new byte[0], "get"));
        out.add(sign(WORKED_EXAMPLE, "POST", base + "/v1/rooms/" + room + "/messages", envelope, "post"));
        out.add(sign("get-with-query", "GET", base + "/v1/rooms/" + room + "/messages?after=41&limit=100", null, "q"));
        out.add(sign("post-without-body", "POST", base + "/v1/keyring/rotate", null, "empty-post"));
        out.add(sign("default-port-dropped", "GET", "https://Keyroom.Example:443/v1/me", null, "port"));
        out.add(sign("delete-without-body", "DELETE", base + "/v1/rooms/" + room + "/secrets/db/password", null, "d"));
        Map<String, Object> replayed = sign("signed-for-another-path", "GET", base + "/v1/me", null, "other");
        replayed.put("url", base + "/v1/users");
        replayed.put("expect", "fail");
        out.add(replayed);
        return out;
    }

    private static Map<String, Object> sign(String name, String method, String url, byte[] body, String nonceLabel) {
        byte[] b = body == null ? new byte[0] : body;
        byte[] nonce = Vectors.fixed("request-nonce/" + nonceLabel, 24);
        try (Identity alice = Vectors.identity("alice")) {
            Map<String, String> headers = signer(alice, nonce).sign(method, URI.create(url), b);
            String input = headers.get("signature-input");
            Map<String, Object> v = object(
                    "name", name,
                    "sign_seed_hex", hex(alice.signSeed().unsafeBytes()),
                    "sign_pub_hex", hex(alice.signPub()),
                    "keyid", alice.endpoint().value(),
                    "method", method,
                    "url", url,
                    "body_hex", hex(b),
                    "created", Vectors.CREATED,
                    "nonce", Base64Url.encode(nonce));
            if (headers.containsKey("content-digest")) {
                v.put("content_digest", headers.get("content-digest"));
            }
            v.put("signature_base", new String(base(method, url, headers), StandardCharsets.US_ASCII));
            v.put("signature_input", input);
            v.put("signature", headers.get("signature"));
            v.put("signature_hex", hex(signatureBytes(headers.get("signature"))));
            v.put("expect", "ok");
            return v;
        }
    }

    private static RequestSigner signer(Identity id, byte[] nonce) {
        return new RequestSigner(id, Vectors.clockAt(Instant.ofEpochSecond(Vectors.CREATED)), Vectors.scripted(nonce));
    }

    private static byte[] base(String method, String url, Map<String, String> headers) {
        try {
            SignedRequest parsed = SignedRequest.parse(
                    List.of(headers.get("signature-input")),
                    List.of(headers.get("signature")),
                    headers.containsKey("content-digest"));
            return SignatureBase.build(parsed.params(), new OutgoingRequest(method, URI.create(url), headers));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] signatureBytes(String field) {
        String b64 = field.substring("sig1=:".length(), field.length() - 1);
        return Base64.getDecoder().decode(b64);
    }

    @Override
    public void check(JsonNode v) throws Exception {
        String method = text(v, "method");
        URI url = URI.create(text(v, "url"));
        Map<String, String> sent = new HashMap<>();
        sent.put("signature-input", text(v, "signature_input"));
        sent.put("signature", text(v, "signature"));
        boolean digest = v.has("content_digest");
        if (digest) {
            sent.put("content-digest", text(v, "content_digest"));
        }
        SignedRequest parsed = SignedRequest.parse(
                List.of(sent.get("signature-input")),
                List.of(sent.get("signature")),
                RequestSigner.digestRequired(method, bytes(v, "body_hex").length > 0));
        byte[] pub = bytes(v, "sign_pub_hex");
        boolean verifies = SignatureVerifier.verify(
                parsed.params(), new OutgoingRequest(method, url, sent), pub, parsed.signature());
        if (mustFail(v)) {
            assertThat(verifies).as("a signature made for another request").isFalse();
            return;
        }
        assertThat(parsed.keyid().value()).isEqualTo(text(v, "keyid"));
        assertThat(parsed.created()).isEqualTo(number(v, "created"));
        assertThat(parsed.nonce()).isEqualTo(text(v, "nonce"));
        byte[] base = SignatureBase.build(parsed.params(), new OutgoingRequest(method, url, sent));
        assertThat(new String(base, StandardCharsets.US_ASCII)).isEqualTo(text(v, "signature_base"));
        assertThat(hex(parsed.signature())).isEqualTo(text(v, "signature_hex"));
        assertThat(Ed25519.verify(pub, base, parsed.signature())).isTrue();
        assertThat(verifies).isTrue();
        try (Identity signer = Identity.fromSecrets(
                SecretBytes.wrap(bytes(v, "sign_seed_hex")), SecretBytes.wrap(Vectors.fixed("unused", 32)))) {
            assertThat(signer.signPub()).isEqualTo(pub);
            Map<String, String> again =
                    signer(signer, Base64Url.decode(text(v, "nonce"), "nonce")).sign(method, url, bytes(v, "body_hex"));
            assertThat(again).isEqualTo(sent);
        }
    }
}
