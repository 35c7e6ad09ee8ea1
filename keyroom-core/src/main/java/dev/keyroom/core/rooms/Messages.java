package dev.keyroom.core.rooms;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Each room's message history. The guarantees and errors of {@code Store} hold. */
public interface Messages {
    /**
     * Appends a message with the room's next sequence; the future completes with it once the message
     * is durable, and the appends of one caller complete in the order they were made. Atomic with
     * the epoch: CONFLICT when {@code epoch} is not the room's current epoch (a publish racing a rekey
     * loses) or when the room already holds {@code messageId}. Then drops what the room's retention
     * no longer keeps: its own setting, resolved against {@code retention}, the server's default.
     */
    CompletableFuture<Long> append(NewMessage message, Retention retention);

    /** Messages with a sequence above {@code afterSeq}, in order, at most {@code limit}. */
    List<StoredMessage> after(RoomId room, long afterSeq, int limit);
}
