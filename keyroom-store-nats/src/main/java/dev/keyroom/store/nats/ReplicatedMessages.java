package dev.keyroom.store.nats;

import dev.keyroom.core.rooms.Messages;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.core.store.Change;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Messages} of the cluster: an append is a command whose future completes once this node
 * applied it (appends are applied without waiting for each other, in stream order); reads come from
 * the caught-up replica.
 */
record ReplicatedMessages(StateStream stream) implements Messages {
    @Override
    public CompletableFuture<Long> append(NewMessage message, Retention retention) {
        return stream.submit(new Change.AppendMessage(message, retention));
    }

    @Override
    public List<StoredMessage> after(RoomId room, long afterSeq, int limit) {
        stream.barrier();
        return stream.replica().messages().after(room, afterSeq, limit);
    }
}
