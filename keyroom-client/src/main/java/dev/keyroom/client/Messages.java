package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.MessageDtos;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.protocol.envelope.MessageCrypto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A room's messages: publishing, and reading history that the SDK checks before handing it out
 * (sender's signature, room, epoch, never-seen message id). The data plane ({@link BusClient})
 * seals and checks its messages here too, so both share what this client has seen.
 */
public final class Messages extends Resource {
    private static final int SEEN_PER_ROOM = 100_000;

    private final Rooms rooms;
    private final Users users;
    private final Map<EndpointId, byte[]> signKeys = new ConcurrentHashMap<>();
    private final Map<RoomId, Set<String>> seenMessages = new ConcurrentHashMap<>();
    private final Map<RoomId, RoomDtos.Room> roomInfo = new ConcurrentHashMap<>();

    Messages(ClientContext context, Rooms rooms, Users users) {
        super(context);
        this.rooms = rooms;
        this.users = users;
    }

    /**
     * Publishes {@code plaintext} to {@code room}: sealed under the room's current epoch key (in
     * encrypted rooms) and signed by this identity. Returns the sequence the server assigned.
     */
    public long publish(RoomId room, byte[] plaintext) {
        Envelope e = seal(room, rooms.get(room), plaintext);
        return transport
                .call(
                        "POST",
                        "/v1/rooms/" + room.value() + "/messages",
                        new MessageDtos.Publish(Base64Url.encode(e.encode())),
                        MessageDtos.Seq.class)
                .seq();
    }

    /**
     * Reads history after {@code afterSeq}: each message is checked (sender's signature, room,
     * epoch, never-seen message id) and decrypted, or reported as rejected with the reason.
     */
    public List<Delivery> history(RoomId room, long afterSeq, int limit) {
        MessageDtos.Messages page = transport.call(
                "GET",
                "/v1/rooms/" + room.value() + "/messages?after=" + afterSeq + "&limit=" + limit,
                null,
                MessageDtos.Messages.class);
        List<Delivery> out = new ArrayList<>();
        for (MessageDtos.Message m : page.messages()) {
            out.add(judge(room, m));
        }
        return out;
    }

    private Delivery judge(RoomId room, MessageDtos.Message m) {
        byte[] bytes;
        try {
            bytes = Base64Url.decode(m.envelope(), "envelope");
        } catch (RuntimeException x) {
            return new Delivery.Rejected(m.seq(), "malformed envelope");
        }
        return judge(room, m.seq(), bytes, m.epoch(), m.sender());
    }

    /**
     * Checks and opens one delivered envelope: for this room, matching what the server reported
     * (when it reported anything), signed by its sender, decrypting under its epoch key, with a
     * message id never seen before.
     */
    Delivery judge(RoomId room, long seq, byte[] bytes, Long reportedEpoch, String reportedSender) {
        Envelope e;
        try {
            e = Envelope.parse(bytes);
        } catch (Envelope.FormatException | RuntimeException x) {
            return new Delivery.Rejected(seq, "malformed envelope");
        }
        if (!e.room().equals(room)) {
            return new Delivery.Rejected(seq, "envelope for another room");
        }
        if ((reportedEpoch != null && e.epoch() != reportedEpoch)
                || (reportedSender != null && !e.sender().value().equals(reportedSender))) {
            return new Delivery.Rejected(seq, "envelope does not match what the server reports");
        }
        try {
            SecretBytes key = e.encrypted() ? keys.epochKey(room, e.epoch()) : null;
            byte[] plaintext = MessageCrypto.open(e, signKey(e.sender()), key);
            if (!seen(room).add(e.messageIdHex())) {
                return new Delivery.Rejected(seq, "replayed message id");
            }
            return new Delivery.Accepted(seq, e.sender(), e.epoch(), Instant.ofEpochMilli(e.sentAtMillis()), plaintext);
        } catch (KeyroomApiException | KeyroomException x) {
            return new Delivery.Rejected(seq, x.getMessage());
        }
    }

    /** The message ids seen in {@code room}, the latest {@code SEEN_PER_ROOM} of them. */
    private Set<String> seen(RoomId room) {
        return seenMessages.computeIfAbsent(
                room,
                r -> Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<String, Boolean>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > SEEN_PER_ROOM;
                    }
                })));
    }

    private byte[] signKey(EndpointId sender) {
        return signKeys.computeIfAbsent(
                sender, e -> Base64Url.decode(users.get(e).signPub(), "sign_pub"));
    }

    /** Forgets what this client knows of a room's epoch, after the server said it changed. */
    void forgetRoom(RoomId room) {
        roomInfo.remove(room);
    }

    /**
     * Seals a message for the room's epoch as last seen, without sending it; the data plane calls
     * {@link #forgetRoom} when the server answers that the epoch moved on.
     */
    Envelope seal(RoomId room, byte[] plaintext) {
        return seal(room, roomInfo.computeIfAbsent(room, rooms::get), plaintext);
    }

    /** Seals {@code plaintext} for {@code room} at the epoch {@code r} names, signed by this identity. */
    private Envelope seal(RoomId room, RoomDtos.Room r, byte[] plaintext) {
        SecretBytes key = Rooms.encrypted(r) ? keys.epochKey(room, r.epoch()) : null;
        return MessageCrypto.seal(identity, room, r.epoch(), key, plaintext, random, clock);
    }
}
