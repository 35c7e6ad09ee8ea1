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
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.envelope.SecretCrypto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code secret-values.json}: KRS1 secret values of encrypted rooms, by {@link SecretCrypto}. */
final class SecretValueVectors implements VectorKind {
    private static final String NAME = "db/password";
    private static final long VERSION = 2;

    @Override
    public String file() {
        return "secret-values.json";
    }

    @Override
    public String description() {
        return "Secret values of encrypted rooms (KRS1). value_b64url is the 'value' the server stores and serves:"
                + " 'KRS1' (4), epoch (8, big-endian), nonce (12, nonce_hex), ChaCha20-Poly1305 ciphertext with its"
                + " 16-byte tag. secret_key_hex = HKDF-SHA256(salt: none, i.e. 32 zero bytes; ikm: room_key_hex, the"
                + " room's key at that epoch; info: ASCII 'keyroom/v1/secret-key'; length 32). associated_data_hex:"
                + " UTF-8 'keyroom/v1/secret', 0x00, room_id (32 lowercase hex), 0x00, secret_name, 0x00, version in"
                + " decimal, 0x00, then the value's first 12 bytes (magic and epoch). expect ok: the value opens to"
                + " plaintext_hex, and sealing plaintext_hex with nonce_hex gives value_b64url. expect fail: the value"
                + " was sealed for another room, name or version than those stated, so opening it with the stated"
                + " ones must fail.";
    }

    @Override
    public List<Map<String, Object>> generate() {
        String room = Vectors.roomId();
        byte[] plaintext = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        List<Map<String, Object>> out = new ArrayList<>();
        byte[] sealed = seal(room, NAME, VERSION, plaintext, "ok");
        out.add(vector("opens", room, NAME, VERSION, sealed, plaintext, "ok"));
        out.add(vector("served-as-another-version", room, NAME, VERSION + 1, sealed, null, "fail"));
        out.add(vector("served-under-another-name", room, "db/user", VERSION, sealed, null, "fail"));
        out.add(vector(
                "served-in-another-room",
                Vectors.hex(Vectors.fixed("other-room", 16)),
                NAME,
                VERSION,
                sealed,
                null,
                "fail"));
        byte[] empty = seal(room, "empty", 1, new byte[0], "empty");
        out.add(vector("empty-value", room, "empty", 1, empty, new byte[0], "ok"));
        return out;
    }

    private static byte[] seal(String room, String name, long version, byte[] plaintext, String nonceLabel) {
        try (SecretBytes key = SecretBytes.copyOf(Vectors.fixed("room-key/epoch-3", 32))) {
            return SecretCrypto.seal(
                    RoomId.parse(room),
                    name,
                    version,
                    SealedRoomKeyVectors.EPOCH,
                    key,
                    plaintext,
                    Vectors.scripted(Vectors.fixed("secret-nonce/" + nonceLabel, 12)));
        }
    }

    static byte[] associatedData(String room, String name, long version, byte[] sealed) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(
                ("keyroom/v1/secret\0" + room + "\0" + name + "\0" + version + "\0").getBytes(StandardCharsets.UTF_8));
        b.write(sealed, 0, 12);
        return b.toByteArray();
    }

    private static Map<String, Object> vector(
            String name, String room, String secretName, long version, byte[] sealed, byte[] plaintext, String expect) {
        byte[] key = Vectors.fixed("room-key/epoch-3", 32);
        Map<String, Object> v = object(
                "name",
                name,
                "room_id",
                room,
                "secret_name",
                secretName,
                "version",
                version,
                "epoch",
                SealedRoomKeyVectors.EPOCH,
                "room_key_hex",
                hex(key),
                "secret_key_hex",
                hex(RoomCipher.derive(key, "keyroom/v1/secret-key")),
                "nonce_hex",
                hex(Arrays.copyOfRange(sealed, 12, 24)),
                "associated_data_hex",
                hex(associatedData(room, secretName, version, sealed)),
                "value_b64url",
                Base64Url.encode(sealed));
        if (plaintext != null) {
            v.put("plaintext_hex", hex(plaintext));
        }
        v.put("expect", expect);
        return v;
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] sealed = Base64Url.decode(text(v, "value_b64url"), "value");
        RoomId room = RoomId.parse(text(v, "room_id"));
        String name = text(v, "secret_name");
        long version = number(v, "version");
        SecretBytes key = SecretBytes.copyOf(bytes(v, "room_key_hex"));
        assertThat(SecretCrypto.epoch(sealed)).isEqualTo(number(v, "epoch"));
        assertThat(hex(Arrays.copyOfRange(sealed, 12, 24))).isEqualTo(text(v, "nonce_hex"));
        assertThat(hex(associatedData(room.value(), name, version, sealed))).isEqualTo(text(v, "associated_data_hex"));
        byte[] sk = bytes(v, "secret_key_hex");
        assertThat(RoomCipher.derive(bytes(v, "room_key_hex"), "keyroom/v1/secret-key"))
                .isEqualTo(sk);
        byte[] ct = Arrays.copyOfRange(sealed, 24, sealed.length);
        byte[] aad = bytes(v, "associated_data_hex");
        if (mustFail(v)) {
            assertThatThrownBy(() -> SecretCrypto.open(room, name, version, key, sealed))
                    .isInstanceOf(KeyroomException.class);
            assertThatThrownBy(() -> RoomCipher.open(sk, bytes(v, "nonce_hex"), aad, ct))
                    .isInstanceOf(javax.crypto.AEADBadTagException.class);
            return;
        }
        byte[] plaintext = bytes(v, "plaintext_hex");
        assertThat(SecretCrypto.open(room, name, version, key, sealed)).isEqualTo(plaintext);
        assertThat(RoomCipher.open(sk, bytes(v, "nonce_hex"), aad, ct)).isEqualTo(plaintext);
        byte[] again = SecretCrypto.seal(
                room, name, version, number(v, "epoch"), key, plaintext, Vectors.scripted(bytes(v, "nonce_hex")));
        assertThat(Base64Url.encode(again)).isEqualTo(text(v, "value_b64url"));
    }
}
