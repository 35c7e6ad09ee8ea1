package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.port.Bus;
import dev.keyroom.core.port.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishing and reading room messages. The envelope's format and signature are the protocol's
 * business; this service holds the room rules: members only, readers may not publish, the envelope
 * must be the caller's own, for this room, at its current epoch, encrypted exactly when the room
 * is. Stored messages are fanned out on the {@link Bus} as {@link RoomEvent}s, which {@link #follow}
 * decodes on every node.
 */
public final class MessageService {
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 200;

    /** What the service needs to know of a parsed, signature-checked envelope. */
    public record Published(
            RoomId room, long epoch, EndpointId sender, String messageId, boolean encrypted, byte[] bytes) {}

    private final Messages store;
    private final Rooms roomStore;
    private final Bus bus;
    private final Clock clock;
    private final RoomService rooms;
    private final Retention retention;
    private final int secretVersions;

    public MessageService(
            Messages store,
            Rooms roomStore,
            Bus bus,
            Clock clock,
            RoomService rooms,
            Retention retention,
            int secretVersions) {
        this.store = store;
        this.roomStore = roomStore;
        this.bus = bus;
        this.clock = clock;
        this.rooms = rooms;
        this.retention = retention;
        this.secretVersions = secretVersions;
    }

    /**
     * Checks the room rules now and appends; the future completes with the sequence once the message
     * is durable and handed to the bus. Publishes of one caller are sequenced in call order.
     */
    public CompletableFuture<Long> publish(User caller, RoomId room, Published m) {
        return append(check(caller, room, m));
    }

    /** A publish that passed the room rules (membership, role, sender, encryption policy). */
    public record Checked(RoomId room, Published message) {}

    /** The room rules of a publish, read from the store; the epoch is checked by the append itself. */
    public Checked check(User caller, RoomId room, Published m) {
        Member me = rooms.requireMember(caller, room);
        if (!me.role().canWrite()) {
            throw KeyroomException.forbidden("readers cannot publish");
        }
        if (!m.room().equals(room)) {
            throw KeyroomException.badRequest("the envelope is for another room");
        }
        if (!m.sender().equals(caller.endpoint())) {
            throw KeyroomException.badRequest("the envelope's sender is not the caller");
        }
        Room r = roomStore.find(room).orElseThrow(KeyroomException::notFound);
        if (m.encrypted() != (r.policy() == RoomPolicy.ENCRYPTED)) {
            throw KeyroomException.badRequest(
                    r.policy() == RoomPolicy.ENCRYPTED
                            ? "this room takes encrypted envelopes only"
                            : "this room is cleartext");
        }
        return new Checked(room, m);
    }

    /**
     * Queues a checked publish to the store without waiting (appends are sequenced in the order
     * this is called); the future completes once it is durable and handed to the bus.
     */
    public CompletableFuture<Long> append(Checked c) {
        Published m = c.message();
        return store.append(
                        new NewMessage(c.room(), m.messageId(), m.sender(), m.epoch(), m.bytes(), clock.now()),
                        retention)
                .thenApply(seq -> {
                    announce(c.room(), new RoomEvent(seq, m.bytes()));
                    return seq;
                });
    }

    /**
     * Hands a stored message to the room's live subscribers; called once it is durable, here or (on a
     * backup) when a primary's batch brought it.
     */
    public void announce(RoomId room, RoomEvent event) {
        bus.publish(RoomEvent.subject(room), event.encode());
    }

    /**
     * Follows the messages announced in {@code room} from now on. For a caller already checked as a
     * member: the data plane checks at subscribe and is told of removals (AZ-7).
     */
    public Bus.Subscription follow(RoomId room, java.util.function.Consumer<RoomEvent> events) {
        return bus.subscribe(RoomEvent.subject(room), payload -> events.accept(RoomEvent.decode(payload)));
    }

    /** Stored messages after {@code after}, for a subscriber already checked as a member (as {@link #follow}). */
    public List<StoredMessage> stored(RoomId room, long after, int limit) {
        return store.after(room, after, limit);
    }

    /** The room's own retention and what applies (member). */
    public record RetentionView(RetentionSetting setting, Retention effective, int secretVersions) {}

    public RetentionView retention(User caller, RoomId room) {
        rooms.requireMember(caller, room);
        RetentionSetting s = roomStore.retention(room);
        return new RetentionView(s, s.resolve(retention), s.secretVersions(secretVersions));
    }

    /**
     * Sets the room's own retention (owners and admins of the room); history beyond it goes at
     * once. An empty part falls back to the server's default.
     */
    public RetentionView setRetention(User caller, RoomId room, RetentionSetting setting) {
        Member me = rooms.requireMember(caller, room);
        if (!me.role().canManage()) {
            throw KeyroomException.forbidden("only owners and admins set a room's retention");
        }
        Retention effective = setting.resolve(retention);
        int versions = setting.secretVersions(secretVersions);
        roomStore.setRetention(room, setting, effective, versions, clock.now());
        return new RetentionView(setting, effective, versions);
    }

    public List<StoredMessage> history(User caller, RoomId room, long after, int limit) {
        rooms.requireMember(caller, room);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw KeyroomException.badRequest("limit must be 1 to " + MAX_LIMIT);
        }
        return store.after(room, after, limit);
    }
}
