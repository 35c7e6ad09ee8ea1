package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.mustFail;
import static dev.keyroom.client.Vectors.number;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.rooms.RoomId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code blobs.json}: blobs encrypted by the SDK's streaming AEAD. Tink picks the salt and nonce
 * prefix itself, so the generator keeps the ciphertext it produced; the check decrypts it with the
 * SDK's cipher and again from primitives as the docs describe it ({@link DocumentedBlobFormat}).
 */
final class BlobVectors implements VectorKind {
    private static final int SMALL = 100;

    @Override
    public String file() {
        return "blobs.json";
    }

    @Override
    public String description() {
        return "Encrypted blobs: Tink's AES-GCM-HKDF streaming AEAD (AesGcmHkdfStreaming: HKDF-SHA256, 32-byte"
                + " derived AES-256-GCM keys, 16-byte tags, 7-byte nonce prefix, no first-segment offset) with"
                + " ciphertext segments of segment_size bytes (the SDK uses 1048576; smaller sizes here exercise"
                + " segment boundaries with small vectors). key_hex is the blob key (32 bytes, the one a blob"
                + " reference carries); associated_data_hex is ASCII 'keyroom/v1/blob', 0x00, room_id (32 lowercase"
                + " hex). ciphertext_hex is what is stored (sha256_hex, its SHA-256, is the blob's address; size its"
                + " length). For expect ok also: the header's salt_hex and nonce_prefix_hex, derived_key_hex ="
                + " HKDF-SHA256(salt, key, associated data, 32), and each segment's offset and length in the"
                + " ciphertext, nonce (prefix, 4-byte big-endian segment number, 0x01 on the last segment else"
                + " 0x00) and whether it is last; decrypting gives plaintext_hex. blob_ref, where given, is the"
                + " reference text a message carries. expect fail: decryption must fail (a changed byte, a"
                + " missing last segment, segments swapped, another room's associated data).";
    }

    @Override
    public List<Map<String, Object>> generate() throws Exception {
        String room = Vectors.roomId();
        byte[] key = Vectors.fixed("blob-key", 32);
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> one = vector(
                "one-segment",
                Blobs.BLOB_SEGMENT,
                key,
                room,
                encrypt(key, room, Blobs.BLOB_SEGMENT, "a blob of one segment".getBytes(StandardCharsets.UTF_8)),
                "ok");
        one.put(
                "blob_ref",
                "keyroom-blob:v1:" + one.get("sha256_hex") + ":" + one.get("size") + ":"
                        + dev.keyroom.core.crypto.Base64Url.encode(key));
        out.add(one);
        byte[] five = encrypt(key, room, SMALL, pattern(300));
        out.add(vector("five-segments", SMALL, key, room, five, "ok"));
        out.add(vector("exactly-two-full-segments", SMALL, key, room, encrypt(key, room, SMALL, pattern(128)), "ok"));
        out.add(vector("empty", SMALL, key, room, encrypt(key, room, SMALL, new byte[0]), "ok"));
        byte[] tampered = five.clone();
        tampered[SMALL + 10] ^= 1;
        out.add(vector("changed-byte-in-segment-1", SMALL, key, room, tampered, "fail"));
        int lastStart = SMALL * 4;
        out.add(vector("last-segment-missing", SMALL, key, room, Arrays.copyOf(five, lastStart), "fail"));
        byte[] swapped = five.clone();
        System.arraycopy(five, SMALL, swapped, 2 * SMALL, SMALL);
        System.arraycopy(five, 2 * SMALL, swapped, SMALL, SMALL);
        out.add(vector("segments-1-and-2-swapped", SMALL, key, room, swapped, "fail"));
        out.add(vector("another-rooms-blob", SMALL, key, hex(Vectors.fixed("other-room", 16)), five, "fail"));
        return out;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    private static byte[] encrypt(byte[] key, String room, int segmentSize, byte[] plaintext) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SecretBytes k = SecretBytes.copyOf(key);
                OutputStream enc = Blobs.streaming(k, segmentSize).newEncryptingStream(out, aad(room))) {
            enc.write(plaintext);
        }
        return out.toByteArray();
    }

    private static byte[] aad(String room) {
        return Blobs.blobAad(RoomId.parse(room));
    }

    private static Map<String, Object> vector(
            String name, int segmentSize, byte[] key, String room, byte[] blob, String expect) throws Exception {
        Map<String, Object> v = object(
                "name",
                name,
                "segment_size",
                segmentSize,
                "key_hex",
                hex(key),
                "room_id",
                room,
                "associated_data_hex",
                hex(aad(room)),
                "ciphertext_hex",
                hex(blob),
                "sha256_hex",
                hex(Digests.sha256(blob)),
                "size",
                blob.length);
        if (expect.equals("ok")) {
            DocumentedBlobFormat.Layout l = DocumentedBlobFormat.layout(key, aad(room), segmentSize, blob);
            v.put("salt_hex", hex(l.salt()));
            v.put("nonce_prefix_hex", hex(l.noncePrefix()));
            v.put("derived_key_hex", hex(l.key()));
            v.put(
                    "segments",
                    l.segments().stream()
                            .map(s -> object(
                                    "offset",
                                    s.offset(),
                                    "length",
                                    s.length(),
                                    "nonce_hex",
                                    hex(s.nonce()),
                                    "last",
                                    s.last()))
                            .toList());
            v.put("plaintext_hex", hex(sdkDecrypt(key, room, segmentSize, blob)));
        }
        v.put("expect", expect);
        return v;
    }

    private static byte[] sdkDecrypt(byte[] key, String room, int segmentSize, byte[] blob) throws Exception {
        try (SecretBytes k = SecretBytes.copyOf(key);
                InputStream in = Blobs.streaming(k, segmentSize)
                        .newDecryptingStream(new ByteArrayInputStream(blob), aad(room))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] blob = bytes(v, "ciphertext_hex");
        byte[] key = bytes(v, "key_hex");
        String room = text(v, "room_id");
        int segmentSize = (int) number(v, "segment_size");
        assertThat(hex(Digests.sha256(blob))).isEqualTo(text(v, "sha256_hex"));
        assertThat(blob.length).isEqualTo(number(v, "size"));
        assertThat(hex(aad(room))).isEqualTo(text(v, "associated_data_hex"));
        if (mustFail(v)) {
            assertThatThrownBy(() -> sdkDecrypt(key, room, segmentSize, blob)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> DocumentedBlobFormat.decrypt(key, aad(room), segmentSize, blob))
                    .isInstanceOf(java.security.GeneralSecurityException.class);
            return;
        }
        byte[] plaintext = bytes(v, "plaintext_hex");
        assertThat(sdkDecrypt(key, room, segmentSize, blob)).isEqualTo(plaintext);
        assertThat(DocumentedBlobFormat.decrypt(key, aad(room), segmentSize, blob))
                .isEqualTo(plaintext);
        DocumentedBlobFormat.Layout l = DocumentedBlobFormat.layout(key, aad(room), segmentSize, blob);
        assertThat(hex(l.salt())).isEqualTo(text(v, "salt_hex"));
        assertThat(hex(l.noncePrefix())).isEqualTo(text(v, "nonce_prefix_hex"));
        assertThat(hex(l.key())).isEqualTo(text(v, "derived_key_hex"));
        JsonNode segments = v.get("segments");
        assertThat(segments.size()).isEqualTo(l.segments().size());
        for (int i = 0; i < segments.size(); i++) {
            DocumentedBlobFormat.Segment s = l.segments().get(i);
            JsonNode j = segments.get(i);
            assertThat(number(j, "offset")).isEqualTo(s.offset());
            assertThat(number(j, "length")).isEqualTo(s.length());
            assertThat(text(j, "nonce_hex")).isEqualTo(hex(s.nonce()));
            assertThat(j.get("last").asBoolean()).isEqualTo(s.last());
        }
        if (v.has("blob_ref")) {
            try (BlobRef ref = BlobRef.fromMessage(text(v, "blob_ref").getBytes(StandardCharsets.US_ASCII))) {
                assertThat(ref.sha256()).isEqualTo(text(v, "sha256_hex"));
                assertThat(ref.size()).isEqualTo(blob.length);
                assertThat(ref.key().unsafeBytes()).isEqualTo(key);
            }
        }
    }
}
