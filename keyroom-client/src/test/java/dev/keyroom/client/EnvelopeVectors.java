package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.mustFail;
import static dev.keyroom.client.Vectors.number;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.protocol.envelope.MessageCrypto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code envelopes.json}: KRM1 message envelopes, sealed and opened by {@link MessageCrypto}. */
final class EnvelopeVectors implements VectorKind {
    static final long SENT_AT_MS = Vectors.CREATED * 1000 + 123;

    @Override
    public String file() {
        return "envelopes.json";
    }

    @Override
    public String description() {
        return "KRM1 message envelopes. The sender is the identity of sign_seed_hex (sign_pub_hex, endpoint);"
                + " room_key_hex is the room's key at epoch; message_key_hex = HKDF-SHA256(salt: none, i.e. 32 zero"
                + " bytes; ikm: room key; info: ASCII 'keyroom/v1/message-key'; length 32). header_hex is the 81-byte"
                + " header (magic through nonce), the AEAD's associated data; envelope_hex the whole envelope,"
                + " envelope_b64url as it travels in JSON. The payload is ChaCha20-Poly1305(message key, nonce_hex,"
                + " header) of plaintext_hex when encrypted, plaintext_hex itself when not. expect ok: the envelope"
                + " parses to the stated fields, its signature verifies with sign_pub_hex, it opens to"
                + " plaintext_hex, and sealing plaintext_hex with these inputs (message id, sent_at_ms, nonce) gives"
                + " envelope_hex byte for byte (Ed25519 is deterministic). expect fail: failure names what must"
                + " refuse it: 'signature' (does not verify with sign_pub_hex) or 'decrypt' (signature valid, AEAD"
                + " fails under room_key_hex).";
    }

    @Override
    public List<Map<String, Object>> generate() {
        RoomId room = RoomId.parse(Vectors.roomId());
        byte[] key = Vectors.fixed("room-key/epoch-3", 32);
        byte[] text = "hello, room".getBytes(StandardCharsets.UTF_8);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Identity alice = Vectors.identity("alice")) {
            out.add(vector("encrypted", alice, room, key, key, text, "ok", null));
            out.add(vector("cleartext", alice, room, null, null, text, "ok", null));
            Map<String, Object> tampered = vector("tampered-payload", alice, room, key, key, text, "fail", "signature");
            byte[] bytes = Vectors.unhex((String) tampered.get("envelope_hex"));
            bytes[Envelope.HEADER + 4] ^= 1;
            tampered.put("envelope_hex", hex(bytes));
            tampered.put("envelope_b64url", Base64Url.encode(bytes));
            out.add(tampered);
            byte[] other = Vectors.fixed("room-key/other", 32);
            out.add(vector("sealed-under-another-key", alice, room, key, other, text, "fail", "decrypt"));
        }
        return out;
    }

    /** A vector stating {@code statedKey}, of an envelope sealed under {@code sealingKey} (null: cleartext). */
    private static Map<String, Object> vector(
            String name,
            Identity sender,
            RoomId room,
            byte[] statedKey,
            byte[] sealingKey,
            byte[] plaintext,
            String expect,
            String failure) {
        byte[] messageId = Vectors.fixed("message-id/" + name, 16);
        byte[] nonce = sealingKey == null ? new byte[12] : Vectors.fixed("message-nonce/" + name, 12);
        Envelope e = seal(sender, room, SealedRoomKeyVectors.EPOCH, sealingKey, plaintext, messageId, nonce);
        byte[] encoded = e.encode();
        Map<String, Object> v = object(
                "name", name,
                "sign_seed_hex", hex(sender.signSeed().unsafeBytes()),
                "sign_pub_hex", hex(sender.signPub()),
                "endpoint", sender.endpoint().value(),
                "room_id", room.value(),
                "epoch", SealedRoomKeyVectors.EPOCH,
                "encrypted", sealingKey != null);
        if (statedKey != null) {
            v.put("room_key_hex", hex(statedKey));
            v.put("message_key_hex", hex(RoomCipher.derive(statedKey, "keyroom/v1/message-key")));
        }
        v.put("message_id_hex", hex(messageId));
        v.put("sent_at_ms", SENT_AT_MS);
        v.put("nonce_hex", hex(nonce));
        v.put("plaintext_hex", hex(plaintext));
        v.put("header_hex", hex(e.header()));
        v.put("payload_hex", hex(e.payload()));
        v.put("signature_hex", hex(e.signature()));
        v.put("envelope_hex", hex(encoded));
        v.put("envelope_b64url", Base64Url.encode(encoded));
        v.put("expect", expect);
        if (failure != null) {
            v.put("failure", failure);
        }
        return v;
    }

    private static Envelope seal(
            Identity sender, RoomId room, long epoch, byte[] key, byte[] plaintext, byte[] messageId, byte[] nonce) {
        var random = key == null ? Vectors.scripted(messageId) : Vectors.scripted(messageId, nonce);
        var clock = Vectors.clockAt(Instant.ofEpochMilli(SENT_AT_MS));
        try (SecretBytes k = key == null ? null : SecretBytes.copyOf(key)) {
            return MessageCrypto.seal(sender, room, epoch, k, plaintext, random, clock);
        }
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] bytes = bytes(v, "envelope_hex");
        assertThat(Base64Url.decode(text(v, "envelope_b64url"), "envelope")).isEqualTo(bytes);
        Envelope e = Envelope.parse(bytes);
        byte[] pub = bytes(v, "sign_pub_hex");
        SecretBytes key = v.has("room_key_hex") ? SecretBytes.copyOf(bytes(v, "room_key_hex")) : null;
        if (mustFail(v)) {
            String failure = text(v, "failure");
            assertThat(e.signatureValid(pub)).isEqualTo(failure.equals("decrypt"));
            assertThatThrownBy(() -> MessageCrypto.open(e, pub, key)).isInstanceOf(KeyroomException.class);
            return;
        }
        assertThat(e.room().value()).isEqualTo(text(v, "room_id"));
        assertThat(e.epoch()).isEqualTo(number(v, "epoch"));
        assertThat(e.sender().value()).isEqualTo(text(v, "endpoint"));
        assertThat(e.encrypted()).isEqualTo(v.get("encrypted").asBoolean());
        assertThat(hex(e.messageId())).isEqualTo(text(v, "message_id_hex"));
        assertThat(e.sentAtMillis()).isEqualTo(number(v, "sent_at_ms"));
        assertThat(hex(e.nonce())).isEqualTo(text(v, "nonce_hex"));
        assertThat(hex(e.header())).isEqualTo(text(v, "header_hex"));
        assertThat(hex(e.payload())).isEqualTo(text(v, "payload_hex"));
        assertThat(hex(e.signature())).isEqualTo(text(v, "signature_hex"));
        assertThat(e.signatureValid(pub)).isTrue();
        byte[] plaintext = bytes(v, "plaintext_hex");
        assertThat(MessageCrypto.open(e, pub, key)).isEqualTo(plaintext);
        if (e.encrypted()) {
            byte[] mk = bytes(v, "message_key_hex");
            assertThat(RoomCipher.derive(bytes(v, "room_key_hex"), "keyroom/v1/message-key"))
                    .isEqualTo(mk);
            assertThat(RoomCipher.open(mk, e.nonce(), e.header(), e.payload())).isEqualTo(plaintext);
        } else {
            assertThat(e.payload()).isEqualTo(plaintext);
            assertThat(e.nonce()).isEqualTo(new byte[12]);
        }
        try (Identity sender = Identity.fromSecrets(
                SecretBytes.wrap(bytes(v, "sign_seed_hex")), SecretBytes.wrap(Vectors.fixed("unused", 32)))) {
            Envelope again = seal(
                    sender,
                    e.room(),
                    e.epoch(),
                    key == null ? null : key.unsafeBytes(),
                    plaintext,
                    e.messageId(),
                    e.nonce());
            assertThat(hex(again.encode())).isEqualTo(text(v, "envelope_hex"));
        }
        assertThat(Arrays.copyOf(bytes, bytes.length - 64)).isEqualTo(e.signedBytes());
    }
}
