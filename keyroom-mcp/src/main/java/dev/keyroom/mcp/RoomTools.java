package dev.keyroom.mcp;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.RoomDtos;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The agent's rooms and their messages: listing the rooms, reading recent history, sending a text,
 * and waiting for the next message on the data plane. Every message is verified (sender's
 * signature, room, epoch, never-seen id) and, in encrypted rooms, decrypted here by the SDK; the
 * model gets the text, never a key.
 */
final class RoomTools {
    static final int MAX_READ = 200;
    static final int DEFAULT_READ = 20;
    static final int MAX_WAIT_SECONDS = 50;
    static final int DEFAULT_WAIT_SECONDS = 30;
    static final int MAX_SEND_BYTES = 64 * 1024;

    private static final String ROOM = """
            "room": {"type": "string", "minLength": 1, "description": "The room's id (32 hex characters) or its name, as list_rooms shows them"}""";

    private RoomTools() {}

    static List<AgentTool> tools(Agent agent) {
        return List.of(
                new AgentTool(
                        "list_rooms",
                        "List my Keyroom rooms",
                        "Lists the Keyroom rooms this agent is a member of: each room's id, name, this agent's role"
                                + " in it (owner, admin, member or reader; readers cannot send), its policy (encrypted:"
                                + " end-to-end encrypted, or cleartext) and its key epoch. Shows no message and no"
                                + " secret.",
                        """
                        {"type": "object", "properties": {}, "additionalProperties": false}""",
                        true,
                        a -> listRooms(agent)),
                new AgentTool(
                        "read_messages",
                        "Read a room's messages",
                        "Reads messages of one of this agent's rooms, oldest first, each verified (signed by its"
                                + " sender, for this room) and decrypted on this machine. Without after_seq, the"
                                + " latest 'limit' messages; with it, up to 'limit' messages after that sequence."
                                + " A message is its text, or a blob reference (blob_id and stored size: read it"
                                + " with fetch_blob_text), or the size of a binary body, or why it was rejected."
                                + " last_seq is the sequence to pass to wait_for_message or to a later read.",
                        ("""
                        {"type": "object", "properties": {%s,
                          "limit": {"type": "integer", "minimum": 1, "maximum": %d, "description": "At most this many messages (default %d)"},
                          "after_seq": {"type": "integer", "minimum": 0, "description": "Only messages after this sequence, oldest first"}},
                         "required": ["room"], "additionalProperties": false}""").formatted(ROOM, MAX_READ, DEFAULT_READ),
                        true,
                        a -> read(agent, a)),
                new AgentTool(
                        "send_message",
                        "Send a message to a room",
                        "Sends a text message to one of this agent's rooms, signed by this agent and, in an"
                                + " encrypted room, encrypted on this machine so that only the room's members can"
                                + " read it. Every member can read what is sent: never put a credential in a"
                                + " message. Returns the message's sequence.",
                        ("""
                        {"type": "object", "properties": {%s,
                          "text": {"type": "string", "minLength": 1, "maxLength": %d, "description": "The message, as UTF-8 text"}},
                         "required": ["room", "text"], "additionalProperties": false}""").formatted(ROOM, MAX_SEND_BYTES),
                        false,
                        a -> send(agent, a)),
                new AgentTool(
                        "wait_for_message",
                        "Wait for the next message in a room",
                        "Waits until a message arrives in one of this agent's rooms and returns it, verified and"
                                + " decrypted like read_messages. Without after_seq it waits for a message newer"
                                + " than any the room holds now; with it, a message after that sequence is returned"
                                + " at once if the room already has one. This agent's own messages are skipped"
                                + " unless include_own is true. Waits at most timeout_seconds (1 to "
                                + MAX_WAIT_SECONDS + ", default " + DEFAULT_WAIT_SECONDS + "), then fails with a"
                                + " timeout: call it again to keep waiting.",
                        ("""
                        {"type": "object", "properties": {%s,
                          "after_seq": {"type": "integer", "minimum": 0, "description": "Wait for a message after this sequence (default: the latest now)"},
                          "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": %d, "description": "How long to wait at most (default %d)"},
                          "include_own": {"type": "boolean", "description": "Also return messages this agent sent (default false)"}},
                         "required": ["room"], "additionalProperties": false}""").formatted(ROOM, MAX_WAIT_SECONDS, DEFAULT_WAIT_SECONDS),
                        true,
                        a -> waitFor(agent, a)));
    }

    private static Map<String, Object> listRooms(Agent agent) {
        try (KeyroomClient c = agent.open()) {
            List<Map<String, Object>> rooms = c.rooms().mine().stream()
                    .map(r -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("room_id", r.roomId());
                        m.put("name", r.name());
                        m.put("role", r.role());
                        m.put("policy", r.policy());
                        m.put("epoch", r.epoch());
                        return m;
                    })
                    .toList();
            return Map.of("rooms", rooms);
        }
    }

    private static Map<String, Object> read(Agent agent, Arguments a) {
        try (KeyroomClient c = agent.open()) {
            RoomDtos.MyRoom room = RoomDirectory.find(c, a.text("room"));
            RoomId id = RoomId.parse(room.roomId());
            int limit = (int) a.number("limit", 1, MAX_READ, DEFAULT_READ);
            Optional<Long> given = a.optionalNumber("after_seq", 0, Long.MAX_VALUE);
            long after = given.orElseGet(() -> RoomLog.tail(c, id, limit).before());
            List<Delivery> ds = c.messages().history(id, after, limit);
            Map<String, Object> out = about(room);
            out.put(
                    "messages",
                    ds.stream().map(d -> MessageView.of(d, agent.endpoint())).toList());
            out.put("last_seq", ds.isEmpty() ? after : ds.getLast().seq());
            return out;
        }
    }

    private static Map<String, Object> send(Agent agent, Arguments a) {
        byte[] text = a.text("text").getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_SEND_BYTES) {
            throw new ToolFailure("the text is " + text.length + " bytes; a message holds at most " + MAX_SEND_BYTES);
        }
        try (KeyroomClient c = agent.open()) {
            RoomDtos.MyRoom room = RoomDirectory.find(c, a.text("room"));
            if (room.role().equals("reader")) {
                throw new ToolFailure("this agent is a reader in room '" + room.name() + "' and cannot send to it");
            }
            long seq = c.messages().publish(RoomId.parse(room.roomId()), text);
            Map<String, Object> out = about(room);
            out.put("seq", seq);
            return out;
        }
    }

    private static Map<String, Object> waitFor(Agent agent, Arguments a) {
        long timeout = a.number("timeout_seconds", 1, MAX_WAIT_SECONDS, DEFAULT_WAIT_SECONDS);
        boolean own = a.flag("include_own", false);
        try (KeyroomClient c = agent.open()) {
            RoomDtos.MyRoom room = RoomDirectory.find(c, a.text("room"));
            RoomId id = RoomId.parse(room.roomId());
            long after = a.optionalNumber("after_seq", 0, Long.MAX_VALUE)
                    .orElseGet(() -> RoomLog.tail(c, id, 1).last());
            BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
            CompletableFuture<String> evicted = new CompletableFuture<>();
            try (BusClient bus = c.connectBus()) {
                bus.subscribe(id, after, new BusClient.RoomListener() {
                    @Override
                    public void onDelivery(Delivery d) {
                        arrived.add(d);
                    }

                    @Override
                    public void onEvicted(String reason) {
                        evicted.complete(reason);
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
                while (true) {
                    Delivery d = arrived.poll(200, TimeUnit.MILLISECONDS);
                    if (d != null
                            && (own
                                    || !(d instanceof Delivery.Accepted m
                                            && m.sender().equals(agent.endpoint())))) {
                        Map<String, Object> out = about(room);
                        out.put("message", MessageView.of(d, agent.endpoint()));
                        return out;
                    }
                    if (evicted.isDone()) {
                        throw new ToolFailure(
                                "this agent is no longer a member of room '" + room.name() + "': " + evicted.join());
                    }
                    if (bus.closedForGood().isDone()) {
                        throw new ToolFailure("the server closed the data plane: "
                                + bus.closedForGood().join().reason());
                    }
                    if (System.nanoTime() - deadline > 0) {
                        if (!bus.ready().isDone()) {
                            throw new ToolFailure("could not reach the server's data plane within " + timeout + " s");
                        }
                        throw new ToolFailure("timeout: no new message in room '" + room.name() + "' after seq " + after
                                + " within " + timeout + " s; call wait_for_message again to keep waiting");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolFailure("the wait was interrupted");
            }
        }
    }

    /** The room a result is about. */
    static Map<String, Object> about(RoomDtos.MyRoom room) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room_id", room.roomId());
        m.put("room_name", room.name());
        return m;
    }
}
