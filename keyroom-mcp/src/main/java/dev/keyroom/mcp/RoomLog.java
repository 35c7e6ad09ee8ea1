package dev.keyroom.mcp;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import dev.keyroom.protocol.dto.MessageDtos;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Where a room's history ends, read from the sequences the server lists without opening a message:
 * history is read forward from a sequence, so the newest messages are found by walking the pages to
 * the end (at most the room's retention, 10000 messages by default, in pages of 1000).
 */
final class RoomLog {
    private static final int PAGE = 1000;

    private RoomLog() {}

    /**
     * The sequence after which the last {@code count} messages of {@code room} lie (0 when the room
     * holds no more than that), and the last sequence of all (0 for an empty room).
     */
    record Tail(long before, long last) {}

    static Tail tail(KeyroomClient c, RoomId room, int count) {
        Deque<Long> window = new ArrayDeque<>(count + 1);
        long after = 0;
        while (true) {
            MessageDtos.Messages page = page(c, room, after);
            for (MessageDtos.Message m : page.messages()) {
                window.addLast(m.seq());
                after = m.seq();
                if (window.size() > count) {
                    window.removeFirst();
                }
            }
            if (page.messages().size() < PAGE) {
                break;
            }
        }
        long before = window.isEmpty() ? after : window.peekFirst() - 1;
        return new Tail(Math.max(0, before), after);
    }

    private static MessageDtos.Messages page(KeyroomClient c, RoomId room, long after) {
        KeyroomClient.Response r =
                c.exchange("GET", "/v1/rooms/" + room.value() + "/messages?after=" + after + "&limit=" + PAGE, null);
        if (r.status() != 200) {
            ErrorDtos.ErrorDetail e;
            try {
                e = Json.read(r.body(), ErrorDtos.Error.class).error();
            } catch (RuntimeException notAnError) {
                throw new KeyroomApiException(r.status(), ErrorCode.INTERNAL, "unexpected answer", r.requestId());
            }
            throw new KeyroomApiException(r.status(), ErrorCode.fromWire(e.code()), e.message(), e.requestId());
        }
        return Json.read(r.body(), MessageDtos.Messages.class);
    }
}
