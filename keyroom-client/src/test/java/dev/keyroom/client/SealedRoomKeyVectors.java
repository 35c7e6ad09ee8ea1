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
import dev.keyroom.core.rooms.RoomKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import tools.jackson.databind.JsonNode;

/**
 * {@code sealed-room-keys.json}: room keys sealed to a member with HPKE. Sealing is randomised (an
 * ephemeral key), so the generator keeps what Tink produced; the check opens it with the SDK's
 * {@link RoomKeys} and again with BouncyCastle's HPKE under the documented suite and info.
 */
final class SealedRoomKeyVectors implements VectorKind {
    static final long EPOCH = 3;

    @Override
    public String file() {
        return "sealed-room-keys.json";
    }

    @Override
    public String description() {
        return "Sealed room keys: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,"
                + " ChaCha20-Poly1305, empty associated data. sealed_key_b64url is the value of sealed_key as the"
                + " server serves it: enc (enc_hex, 32 bytes) followed by the ciphertext (ciphertext_hex). info_hex"
                + " is the HPKE info for room_id and epoch: ASCII 'keyroom/v1/room-key', 0x00, room_id as 32"
                + " lowercase hex characters, 0x00, epoch in decimal. The recipient holds kex_private_hex"
                + " (kex_pub_hex). expect ok: it opens to room_key_hex (32 bytes). expect fail: opening it for this"
                + " room_id and epoch with this recipient key must fail.";
    }

    @Override
    public List<Map<String, Object>> generate() {
        List<Map<String, Object>> out = new ArrayList<>();
        RoomId room = RoomId.parse(Vectors.roomId());
        byte[] key = Vectors.fixed("room-key/epoch-3", 32);
        try (Identity bob = Vectors.identity("bob");
                Identity alice = Vectors.identity("alice");
                SecretBytes k = SecretBytes.copyOf(key)) {
            byte[] sealed = RoomKeys.seal(bob.kexPub(), room, EPOCH, k);
            out.add(vector("opens", bob, room.value(), EPOCH, sealed, key, "ok"));
            out.add(vector("another-epoch", bob, room.value(), EPOCH + 1, sealed, null, "fail"));
            out.add(vector(
                    "another-room", bob, Vectors.hex(Vectors.fixed("other-room", 16)), EPOCH, sealed, null, "fail"));
            out.add(vector("another-recipient", alice, room.value(), EPOCH, sealed, null, "fail"));
            byte[] tampered = sealed.clone();
            tampered[tampered.length - 1] ^= 1;
            out.add(vector("tampered", bob, room.value(), EPOCH, tampered, null, "fail"));
        }
        return out;
    }

    static byte[] info(String roomId, long epoch) {
        return ("keyroom/v1/room-key\0" + roomId + "\0" + epoch).getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, Object> vector(
            String name, Identity recipient, String room, long epoch, byte[] sealed, byte[] key, String expect) {
        Map<String, Object> v = object(
                "name", name,
                "kex_private_hex", hex(recipient.kexPrivate().unsafeBytes()),
                "kex_pub_hex", hex(recipient.kexPub()),
                "room_id", room,
                "epoch", epoch,
                "info_hex", hex(info(room, epoch)),
                "sealed_key_b64url", Base64Url.encode(sealed),
                "enc_hex", hex(Arrays.copyOf(sealed, 32)),
                "ciphertext_hex", hex(Arrays.copyOfRange(sealed, 32, sealed.length)));
        if (key != null) {
            v.put("room_key_hex", hex(key));
        }
        v.put("expect", expect);
        return v;
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] sealed = Base64Url.decode(text(v, "sealed_key_b64url"), "sealed_key");
        assertThat(hex(Arrays.copyOf(sealed, 32))).isEqualTo(text(v, "enc_hex"));
        assertThat(hex(Arrays.copyOfRange(sealed, 32, sealed.length))).isEqualTo(text(v, "ciphertext_hex"));
        String room = text(v, "room_id");
        long epoch = number(v, "epoch");
        assertThat(hex(info(room, epoch))).isEqualTo(text(v, "info_hex"));
        byte[] sk = bytes(v, "kex_private_hex");
        byte[] pk = bytes(v, "kex_pub_hex");
        if (mustFail(v)) {
            assertThatThrownBy(() -> RoomKeys.unseal(SecretBytes.copyOf(sk), pk, RoomId.parse(room), epoch, sealed))
                    .isInstanceOf(KeyroomException.class);
            assertThatThrownBy(() -> openWithBouncyCastle(sk, pk, bytes(v, "info_hex"), sealed))
                    .isInstanceOf(InvalidCipherTextException.class);
            return;
        }
        try (SecretBytes opened = RoomKeys.unseal(SecretBytes.copyOf(sk), pk, RoomId.parse(room), epoch, sealed)) {
            assertThat(hex(opened.unsafeBytes())).isEqualTo(text(v, "room_key_hex"));
        }
        assertThat(hex(openWithBouncyCastle(sk, pk, bytes(v, "info_hex"), sealed)))
                .isEqualTo(text(v, "room_key_hex"));
    }

    /** HPKE open by a second implementation, from the documented suite, info and layout alone. */
    private static byte[] openWithBouncyCastle(byte[] sk, byte[] pk, byte[] info, byte[] sealed)
            throws InvalidCipherTextException {
        HPKE hpke = new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
        AsymmetricCipherKeyPair recipient = hpke.deserializePrivateKey(sk, pk);
        byte[] enc = Arrays.copyOf(sealed, hpke.getEncSize());
        byte[] ct = Arrays.copyOfRange(sealed, hpke.getEncSize(), sealed.length);
        return hpke.open(enc, recipient, info, new byte[0], ct, null, null, null);
    }
}
