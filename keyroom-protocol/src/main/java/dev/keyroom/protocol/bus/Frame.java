package dev.keyroom.protocol.bus;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Frames of the data plane at {@code /v1/bus}, version 1: binary WebSocket messages, each one
 * frame: a version byte (1), a type byte, then the type's fields (integers big-endian, ids raw,
 * strings as a 2-byte length and UTF-8). {@code docs/protocol.md} lists the types; the decoder
 * accepts exactly one well-formed frame per message and refuses everything else.
 */
public sealed interface Frame {
    byte VERSION = 1;
    int MAX_TEXT = 1024;

    /** Server to client, first: 32 random bytes to sign. */
    record Challenge(byte[] nonce) implements Frame {}

    /** Client to server: its endpoint and an Ed25519 signature over {@link #authMessage}. */
    record Auth(EndpointId endpoint, byte[] signature) implements Frame {}

    /** Server to client: authenticated. */
    record AuthOk() implements Frame {}

    /** Client: follow a room; {@code afterSeq} greater than zero first replays history after it. */
    record Subscribe(RoomId room, long afterSeq) implements Frame {}

    record Unsubscribe(RoomId room) implements Frame {}

    /** Client: publish an envelope; answered by {@link Ack} or {@link Error} with the same id. */
    record Publish(int requestId, byte[] envelope) implements Frame {}

    record Ack(int requestId, long seq) implements Frame {}

    /** Server: a message of a followed room. */
    record Deliver(RoomId room, long seq, byte[] envelope) implements Frame {}

    /** Server: a request failed; {@code requestId} 0 for subscribe and unsubscribe. */
    record Error(int requestId, String code, String message) implements Frame {}

    /** Server: a subscription ended because membership ended; it will not resume. */
    record Evict(RoomId room, String reason) implements Frame {}

    /** A frame that breaks the format; the message says how. */
    final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    /** What an {@link Auth} signs: a context string, the challenge and the connection's authority. */
    static byte[] authMessage(byte[] challenge, String authority) {
        byte[] ctx = "keyroom/v1/bus-auth\0".getBytes(StandardCharsets.US_ASCII);
        byte[] auth = authority.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(ctx.length + challenge.length + auth.length)
                .put(ctx)
                .put(challenge)
                .put(auth)
                .array();
    }

    static ByteBuffer encode(Frame f) {
        ByteBuffer b;
        switch (f) {
            case Challenge c -> b = start(1, 32).put(c.nonce());
            case Auth a -> b = start(2, 80).put(raw(a.endpoint().value())).put(a.signature());
            case AuthOk o -> b = start(3, 0);
            case Subscribe s -> b = start(4, 24).put(raw(s.room().value())).putLong(s.afterSeq());
            case Unsubscribe u -> b = start(5, 16).put(raw(u.room().value()));
            case Publish p ->
                b = start(6, 4 + p.envelope().length).putInt(p.requestId()).put(p.envelope());
            case Ack a -> b = start(7, 12).putInt(a.requestId()).putLong(a.seq());
            case Deliver d ->
                b = start(8, 24 + d.envelope().length)
                        .put(raw(d.room().value()))
                        .putLong(d.seq())
                        .put(d.envelope());
            case Error e -> {
                byte[] code = text(e.code());
                byte[] msg = text(e.message());
                b = start(9, 4 + 2 + code.length + 2 + msg.length).putInt(e.requestId());
                b.putShort((short) code.length)
                        .put(code)
                        .putShort((short) msg.length)
                        .put(msg);
            }
            case Evict e -> {
                byte[] reason = text(e.reason());
                b = start(10, 16 + 2 + reason.length).put(raw(e.room().value()));
                b.putShort((short) reason.length).put(reason);
            }
        }
        return b.flip();
    }

    static Frame decode(ByteBuffer in) throws FormatException {
        try {
            ByteBuffer b = in.slice();
            if (b.get() != VERSION) {
                throw new FormatException("unknown frame version");
            }
            byte type = b.get();
            Frame f = switch (type) {
                case 1 -> new Challenge(bytes(b, 32));
                case 2 -> new Auth(new EndpointId(hex(bytes(b, 16))), bytes(b, 64));
                case 3 -> new AuthOk();
                case 4 -> new Subscribe(new RoomId(hex(bytes(b, 16))), nonNegative(b.getLong()));
                case 5 -> new Unsubscribe(new RoomId(hex(bytes(b, 16))));
                case 6 -> new Publish(b.getInt(), bytes(b, b.remaining()));
                case 7 -> new Ack(b.getInt(), b.getLong());
                case 8 -> new Deliver(new RoomId(hex(bytes(b, 16))), b.getLong(), bytes(b, b.remaining()));
                case 9 -> new Error(b.getInt(), string(b), string(b));
                case 10 -> new Evict(new RoomId(hex(bytes(b, 16))), string(b));
                default -> throw new FormatException("unknown frame type");
            };
            if (b.hasRemaining()) {
                throw new FormatException("trailing bytes after the frame");
            }
            return f;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new FormatException("truncated or malformed frame");
        } catch (RuntimeException e) {
            throw new FormatException("malformed frame");
        }
    }

    private static ByteBuffer start(int type, int body) {
        return ByteBuffer.allocate(2 + body).put(VERSION).put((byte) type);
    }

    private static byte[] raw(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static long nonNegative(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative");
        }
        return v;
    }

    private static byte[] text(String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        return b.length <= MAX_TEXT ? b : java.util.Arrays.copyOf(b, MAX_TEXT);
    }

    private static String string(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > MAX_TEXT) {
            throw new IllegalArgumentException("text too long");
        }
        return new String(bytes(b, n), StandardCharsets.UTF_8);
    }
}
