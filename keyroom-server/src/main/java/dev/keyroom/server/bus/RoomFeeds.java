package dev.keyroom.server.bus;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Bus;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomEvent;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.protocol.bus.Frame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms a session follows: for each, the last sequence sent and the bus subscription feeding
 * it. A feed first sends what is stored after the client's last sequence, then what is announced
 * live, in sequence order, each message once; a gap in the live order (a cluster has several
 * publishing nodes) is filled from the store.
 */
final class RoomFeeds {
    private static final Logger log = LoggerFactory.getLogger(RoomFeeds.class);
    private static final int PAGE = 500;

    private final MessageService messages;
    private final Consumer<Frame> send;
    private final BooleanSupplier closed;
    private final Map<RoomId, Feed> feeds = new ConcurrentHashMap<>();

    private static final class Feed {
        long lastSeq;
        Bus.Subscription subscription;
    }

    RoomFeeds(MessageService messages, Consumer<Frame> send, BooleanSupplier closed) {
        this.messages = messages;
        this.send = send;
        this.closed = closed;
    }

    int size() {
        return feeds.size();
    }

    boolean follows(RoomId room) {
        return feeds.containsKey(room);
    }

    /** Follows {@code room} after {@code afterSeq}, replacing any earlier feed of it; the caller checked membership. */
    void follow(RoomId room, long afterSeq) {
        stop(room);
        Feed feed = new Feed();
        synchronized (feed) {
            feed.lastSeq = afterSeq;
            feeds.put(room, feed);
            feed.subscription = messages.follow(room, event -> live(room, feed, event));
            // Catch up while holding the feed: live messages wait, so none is skipped or sent twice.
            catchUp(room, feed, Long.MAX_VALUE);
        }
    }

    private void live(RoomId room, Feed feed, RoomEvent event) {
        long seq = event.seq();
        synchronized (feed) {
            if (feeds.get(room) != feed || seq <= feed.lastSeq) {
                return;
            }
            if (seq > feed.lastSeq + 1) {
                // The bus delivers at most once, in order per publishing node only (a cluster has
                // several): what is missing before this message comes from the store.
                try {
                    catchUp(room, feed, seq);
                } catch (KeyroomException e) {
                    log.atWarn()
                            .addKeyValue("room", room.value())
                            .setCause(e)
                            .log("could not fill a gap in a live feed from the store");
                }
            }
            feed.lastSeq = seq;
            send.accept(new Frame.Deliver(room, seq, event.envelope()));
        }
    }

    /** Sends the stored messages after the feed's last one and before {@code before}; holds the feed. */
    private void catchUp(RoomId room, Feed feed, long before) {
        while (!closed.getAsBoolean()) {
            List<StoredMessage> page = messages.stored(room, feed.lastSeq, PAGE);
            for (StoredMessage m : page) {
                if (m.seq() >= before) {
                    return;
                }
                feed.lastSeq = m.seq();
                send.accept(new Frame.Deliver(room, m.seq(), m.envelope()));
            }
            if (page.isEmpty()) {
                return;
            }
        }
    }

    /** Stops following {@code room}; true when it was followed. */
    boolean stop(RoomId room) {
        Feed feed = feeds.remove(room);
        if (feed != null && feed.subscription != null) {
            feed.subscription.close();
        }
        return feed != null;
    }

    void stopAll() {
        for (RoomId r : List.copyOf(feeds.keySet())) {
            stop(r);
        }
    }
}
