package dev.keyroom.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.protocol.sfv.StructuredFields;
import dev.keyroom.protocol.sfv.StructuredFields.InnerList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance with RFC 9421's own example: appendix B.2.6, "Signing a Request Using ed25519", over
 * the test request of appendix B.2 with key {@code test-key-ed25519} of appendix B.1.4.
 */
class Rfc9421ExampleTest {
    /** B.1.4, the SubjectPublicKeyInfo of test-key-ed25519; the raw key is its last 32 bytes. */
    static final String SPKI_B64 = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";

    /** B.1.4, the PKCS#8 private key of test-key-ed25519; the seed is its last 32 bytes. */
    static final String PKCS8_B64 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF";

    static final String SIGNATURE_INPUT = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\""
            + " \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    static final String SIGNATURE =
            "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

    static final String EXPECTED_BASE = "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
            + "\"@method\": POST\n"
            + "\"@path\": /foo\n"
            + "\"@authority\": example.com\n"
            + "\"content-type\": application/json\n"
            + "\"content-length\": 18\n"
            + "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\""
            + " \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    /** The test request of B.2: POST /foo?param=Value&amp;Pet=dog to example.com. */
    static final TestRequest REQUEST = new TestRequest(
            "POST",
            "https",
            "example.com",
            "/foo",
            "param=Value&Pet=dog",
            Map.of(
                    "host", List.of("example.com"),
                    "date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"),
                    "content-type", List.of("application/json"),
                    "content-digest",
                            List.of(
                                    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
                    "content-length", List.of("18")));

    static byte[] publicKey() {
        byte[] der = Base64.getDecoder().decode(SPKI_B64);
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    static InnerList params() throws Exception {
        return (InnerList) StructuredFields.parseDictionary(SIGNATURE_INPUT).get("sig-b26");
    }

    static byte[] signature() throws Exception {
        return (byte[]) ((StructuredFields.Item)
                        StructuredFields.parseDictionary(SIGNATURE).get("sig-b26"))
                .value();
    }

    @Test
    void build_rfcExampleB26_producesTheRfcBaseByteForByte() throws Exception {
        byte[] base = SignatureBase.build(params(), REQUEST);
        assertThat(new String(base, StandardCharsets.US_ASCII)).isEqualTo(EXPECTED_BASE);
    }

    @Test
    void verify_rfcExampleB26_acceptsTheRfcSignature() throws Exception {
        assertThat(SignatureVerifier.verify(params(), REQUEST, publicKey(), signature()))
                .isTrue();
    }

    @Test
    void sign_rfcKeyB14_reproducesTheRfcSignature() throws Exception {
        byte[] der = Base64.getDecoder().decode(PKCS8_B64);
        try (SecretBytes seed = SecretBytes.wrap(Arrays.copyOfRange(der, der.length - 32, der.length))) {
            assertThat(Ed25519.publicKey(seed)).isEqualTo(publicKey());
            assertThat(Ed25519.sign(seed, EXPECTED_BASE.getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(signature());
        }
    }

    @Test
    void verify_anyOneByteChangeOfTheBase_rejects() throws Exception {
        byte[] base = EXPECTED_BASE.getBytes(StandardCharsets.US_ASCII);
        byte[] sig = signature();
        byte[] pub = publicKey();
        for (int i = 0; i < base.length; i++) {
            byte[] changed = base.clone();
            changed[i] ^= 0x01;
            assertThat(Ed25519.verify(pub, changed, sig))
                    .as("byte %d changed", i)
                    .isFalse();
        }
    }

    @Test
    void verify_anyOneByteChangeOfTheSignature_rejects() throws Exception {
        byte[] base = EXPECTED_BASE.getBytes(StandardCharsets.US_ASCII);
        byte[] sig = signature();
        for (int i = 0; i < sig.length; i++) {
            byte[] changed = sig.clone();
            changed[i] ^= 0x01;
            assertThat(Ed25519.verify(publicKey(), base, changed))
                    .as("byte %d changed", i)
                    .isFalse();
        }
    }

    @Test
    void verify_changedCoveredHeader_rejects() throws Exception {
        TestRequest tampered = new TestRequest(
                "POST",
                "https",
                "example.com",
                "/foo",
                "param=Value&Pet=dog",
                Map.of(
                        "date", List.of("Tue, 20 Apr 2021 02:07:56 GMT"),
                        "content-type", List.of("application/json"),
                        "content-length", List.of("18")));
        assertThat(SignatureVerifier.verify(params(), tampered, publicKey(), signature()))
                .isFalse();
    }

    @Test
    void verify_otherAuthority_rejects() throws Exception {
        TestRequest moved =
                new TestRequest("POST", "https", "example.org", "/foo", "param=Value&Pet=dog", REQUEST.headers());
        assertThat(SignatureVerifier.verify(params(), moved, publicKey(), signature()))
                .isFalse();
    }
}
