package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import java.nio.ByteBuffer;

/**
 * What the {@link dev.keyroom.core.port.Bus} carries when a room's message is stored: its sequence
 * and its envelope, on the room's subject. Encoded by the node that stored it, decoded by every
 * node's data-plane sessions: a sequence (8 bytes, big-endian), then the envelope.
 */
public record RoomEvent(long seq, byte[] envelope) {
    /** The bus subject of {@code room}'s messages. */
    public static String subject(RoomId room) {
        return "rooms." + room.value() + ".messages";
    }

    public byte[] encode() {
        return ByteBuffer.allocate(8 + envelope.length)
                .putLong(seq)
                .put(envelope)
                .array();
    }

    /** Reads an event back; INTERNAL when it is shorter than its sequence (no node sends one). */
    public static RoomEvent decode(byte[] payload) {
        if (payload.length < 8) {
            throw new KeyroomException(dev.keyroom.core.error.ErrorCode.INTERNAL, "a room event without a sequence");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long seq = b.getLong();
        byte[] envelope = new byte[b.remaining()];
        b.get(envelope);
        return new RoomEvent(seq, envelope);
    }
}
