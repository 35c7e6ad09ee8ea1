package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.mustFail;
import static dev.keyroom.client.Vectors.number;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.bus.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code bus-frames.json}: the data plane's binary frames and the signature that authenticates a session. */
final class BusFrameVectors implements VectorKind {
    private static final String AUTHORITY = "keyroom.example:8443";

    @Override
    public String file() {
        return "bus-frames.json";
    }

    @Override
    public String description() {
        return "Data-plane frames (binary WebSocket messages on /v1/bus). Each vector is one frame: type (1 to 10),"
                + " fields (ids as 32 lowercase hex, integers as numbers, byte strings as hex, strings as text) and"
                + " frame_hex, its exact bytes (version byte 0x01, type byte, fields; integers big-endian, strings a"
                + " 2-byte length and UTF-8). The auth vector also holds the authentication: the client with"
                + " sign_seed_hex signs auth_message_hex = ASCII 'keyroom/v1/bus-auth', 0x00, the 32-byte challenge"
                + " of challenge_hex, the ASCII authority (the @authority of the connection's URL); the signature is"
                + " the auth frame's last 64 bytes. expect ok: frame_hex decodes to these fields and encoding them"
                + " gives frame_hex. expect fail: frame_hex is not a frame and must be refused.";
    }

    @Override
    public List<Map<String, Object>> generate() {
        String room = Vectors.roomId();
        byte[] envelope = Vectors.unhex("4b524d31");
        byte[] challenge = Vectors.fixed("bus-challenge-a", 32);
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(frame("challenge", new Frame.Challenge(challenge)));
        try (Identity alice = Vectors.identity("alice")) {
            byte[] message = Frame.authMessage(challenge, AUTHORITY);
            Map<String, Object> auth = frame("auth", new Frame.Auth(alice.endpoint(), alice.sign(message)));
            auth.put("sign_seed_hex", hex(alice.signSeed().unsafeBytes()));
            auth.put("sign_pub_hex", hex(alice.signPub()));
            auth.put("challenge_hex", hex(challenge));
            auth.put("authority", AUTHORITY);
            auth.put("auth_message_hex", hex(message));
            out.add(auth);
        }
        out.add(frame("auth_ok", new Frame.AuthOk()));
        out.add(frame("subscribe", new Frame.Subscribe(RoomId.parse(room), 41)));
        out.add(frame("unsubscribe", new Frame.Unsubscribe(RoomId.parse(room))));
        out.add(frame("publish", new Frame.Publish(7, envelope)));
        out.add(frame("ack", new Frame.Ack(7, 42)));
        out.add(frame("deliver", new Frame.Deliver(RoomId.parse(room), 42, envelope)));
        out.add(frame("error", new Frame.Error(7, "conflict", "epoch is stale: the room is at epoch 4")));
        out.add(frame("evict", new Frame.Evict(RoomId.parse(room), "membership ended")));
        out.add(object("name", "trailing-byte", "frame_hex", "010300", "expect", "fail"));
        out.add(object("name", "unknown-version", "frame_hex", "0203", "expect", "fail"));
        out.add(object("name", "unknown-type", "frame_hex", "010b", "expect", "fail"));
        out.add(object("name", "truncated-ack", "frame_hex", "01070000000700", "expect", "fail"));
        return out;
    }

    private static Map<String, Object> frame(String name, Frame f) {
        Map<String, Object> v = object("name", name, "type", typeOf(f), "fields", fields(f));
        ByteBuffer b = Frame.encode(f);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        v.put("frame_hex", hex(bytes));
        v.put("expect", "ok");
        return v;
    }

    private static int typeOf(Frame f) {
        return Frame.encode(f).get(1);
    }

    private static Map<String, Object> fields(Frame f) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (f) {
            case Frame.Challenge c -> m.put("challenge_hex", hex(c.nonce()));
            case Frame.Auth a -> {
                m.put("endpoint", a.endpoint().value());
                m.put("signature_hex", hex(a.signature()));
            }
            case Frame.AuthOk o -> {}
            case Frame.Subscribe s -> {
                m.put("room_id", s.room().value());
                m.put("after_seq", s.afterSeq());
            }
            case Frame.Unsubscribe u -> m.put("room_id", u.room().value());
            case Frame.Publish p -> {
                m.put("request_id", p.requestId());
                m.put("envelope_hex", hex(p.envelope()));
            }
            case Frame.Ack a -> {
                m.put("request_id", a.requestId());
                m.put("seq", a.seq());
            }
            case Frame.Deliver d -> {
                m.put("room_id", d.room().value());
                m.put("seq", d.seq());
                m.put("envelope_hex", hex(d.envelope()));
            }
            case Frame.Error e -> {
                m.put("request_id", e.requestId());
                m.put("code", e.code());
                m.put("message", e.message());
            }
            case Frame.Evict e -> {
                m.put("room_id", e.room().value());
                m.put("reason", e.reason());
            }
        }
        return m;
    }

    /** The frame a vector's fields describe, built without reading frame_hex. */
    private static Frame build(int type, JsonNode f) {
        return switch (type) {
            case 1 -> new Frame.Challenge(bytes(f, "challenge_hex"));
            case 2 -> new Frame.Auth(EndpointId.parse(text(f, "endpoint")), bytes(f, "signature_hex"));
            case 3 -> new Frame.AuthOk();
            case 4 -> new Frame.Subscribe(RoomId.parse(text(f, "room_id")), number(f, "after_seq"));
            case 5 -> new Frame.Unsubscribe(RoomId.parse(text(f, "room_id")));
            case 6 -> new Frame.Publish((int) number(f, "request_id"), bytes(f, "envelope_hex"));
            case 7 -> new Frame.Ack((int) number(f, "request_id"), number(f, "seq"));
            case 8 -> new Frame.Deliver(RoomId.parse(text(f, "room_id")), number(f, "seq"), bytes(f, "envelope_hex"));
            case 9 -> new Frame.Error((int) number(f, "request_id"), text(f, "code"), text(f, "message"));
            case 10 -> new Frame.Evict(RoomId.parse(text(f, "room_id")), text(f, "reason"));
            default -> throw new AssertionError("no frame type " + type);
        };
    }

    @Override
    public void check(JsonNode v) throws Exception {
        byte[] bytes = bytes(v, "frame_hex");
        if (mustFail(v)) {
            assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(bytes))).isInstanceOf(Frame.FormatException.class);
            return;
        }
        Frame built = build((int) number(v, "type"), v.get("fields"));
        ByteBuffer encoded = Frame.encode(built);
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        assertThat(hex(out)).isEqualTo(text(v, "frame_hex"));
        Frame decoded = Frame.decode(ByteBuffer.wrap(bytes));
        assertThat(Vectors.object("fields", fields(decoded)).toString())
                .isEqualTo(Vectors.object("fields", fields(built)).toString());
        if (built instanceof Frame.Auth a) {
            byte[] message = Frame.authMessage(bytes(v, "challenge_hex"), text(v, "authority"));
            assertThat(hex(message)).isEqualTo(text(v, "auth_message_hex"));
            assertThat(Ed25519.verify(bytes(v, "sign_pub_hex"), message, a.signature()))
                    .isTrue();
            assertThat(a.endpoint()).isEqualTo(EndpointId.of(bytes(v, "sign_pub_hex")));
            try (SecretBytes seed = SecretBytes.wrap(bytes(v, "sign_seed_hex"))) {
                assertThat(Ed25519.sign(seed, message)).isEqualTo(a.signature());
            }
        }
    }
}
