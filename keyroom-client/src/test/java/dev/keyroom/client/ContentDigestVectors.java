package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.protocol.signature.ContentDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code content-digest.json}: the Content-Digest field (RFC 9530) of a few bodies. */
final class ContentDigestVectors implements VectorKind {
    @Override
    public String file() {
        return "content-digest.json";
    }

    @Override
    public String description() {
        return "Content-Digest (RFC 9530) as Keyroom sends it: body_hex is the exact body bytes, sha256_hex their"
                + " SHA-256, content_digest the field value: 'sha-256=:' + standard base64 WITH padding of the"
                + " digest + ':'. A checker computes content_digest from body_hex and parses sha256_hex back out"
                + " of content_digest. The empty body is what a POST, PUT or PATCH without a body carries.";
    }

    @Override
    public List<Map<String, Object>> generate() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(vector("empty", new byte[0]));
        out.add(vector("json", "{\"value\":\"aGVsbG8\",\"if_version\":0}".getBytes(StandardCharsets.UTF_8)));
        out.add(vector("bytes-0-to-255", binary));
        return out;
    }

    private static Map<String, Object> vector(String name, byte[] body) {
        byte[] sha = Digests.sha256(body);
        return object(
                "name",
                name,
                "body_hex",
                hex(body),
                "sha256_hex",
                hex(sha),
                "content_digest",
                ContentDigest.header(sha));
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] sha = Digests.sha256(bytes(v, "body_hex"));
        assertThat(hex(sha)).isEqualTo(text(v, "sha256_hex"));
        assertThat(ContentDigest.header(sha)).isEqualTo(text(v, "content_digest"));
        assertThat(ContentDigest.sha256(text(v, "content_digest")).orElseThrow())
                .isEqualTo(sha);
    }
}
