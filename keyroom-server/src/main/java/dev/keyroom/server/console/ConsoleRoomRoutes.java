package dev.keyroom.server.console;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomCensus;
import dev.keyroom.core.rooms.RoomSummary;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.Router;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's rooms, metadata only (UI-5): name, policy, epoch, owner, {@code rekey_required},
 * counts and last activity, and a room's members with their roles. Nothing here reads a message
 * envelope, a blob, a sealed key or a secret value: the census selects counts and times, and the
 * members come from the membership table.
 */
record ConsoleRoomRoutes(RoomCensus census, Rooms rooms, Users users) {
    record RoomRow(
            String id,
            String name,
            String policy,
            long epoch,
            String owner,
            String ownerName,
            String createdAt,
            boolean rekeyRequired,
            int members,
            long messages,
            String lastMessageAt,
            int secrets,
            String lastSecretAt,
            String lastActivity) {}

    record RoomList(List<RoomRow> rooms) {}

    record MemberRow(String endpoint, String name, String role, String status, String joinedAt) {}

    record RoomDetail(RoomRow room, List<MemberRow> members) {}

    void register(Router router) {
        router.add("GET", "/console/api/rooms", c -> {
            Access.requireAdmin(c.caller());
            Map<EndpointId, User> byEndpoint = new HashMap<>();
            for (User u : users.list()) {
                byEndpoint.put(u.endpoint(), u);
            }
            return Reply.ok(new RoomList(
                    census.summaries().stream().map(s -> row(s, byEndpoint)).toList()));
        });
        router.add("GET", "/console/api/rooms/{room}", c -> {
            Access.requireAdmin(c.caller());
            RoomSummary s = census.summaries().stream()
                    .filter(r -> r.room().id().equals(c.room()))
                    .findFirst()
                    .orElseThrow(KeyroomException::notFound);
            Map<EndpointId, User> byEndpoint = new HashMap<>();
            for (User u : users.list()) {
                byEndpoint.put(u.endpoint(), u);
            }
            List<MemberRow> members = rooms.members(s.room().id()).stream()
                    .map(m -> member(m, byEndpoint))
                    .toList();
            return Reply.ok(new RoomDetail(row(s, byEndpoint), members));
        });
    }

    private static RoomRow row(RoomSummary s, Map<EndpointId, User> users) {
        Room r = s.room();
        return new RoomRow(
                r.id().value(),
                r.name(),
                r.policy().wireName(),
                r.epoch(),
                r.owner().value(),
                Optional.ofNullable(users.get(r.owner())).map(User::name).orElse(null),
                time(r.createdAt()),
                r.rekeyRequired(),
                s.members(),
                s.messages(),
                s.lastMessageAt().map(ConsoleRoomRoutes::time).orElse(null),
                s.secrets(),
                s.lastSecretAt().map(ConsoleRoomRoutes::time).orElse(null),
                time(s.lastActivity()));
    }

    private static MemberRow member(Member m, Map<EndpointId, User> users) {
        User u = users.get(m.endpoint());
        return new MemberRow(
                m.endpoint().value(),
                u == null ? null : u.name(),
                m.role().wireName(),
                u == null ? null : u.status().wireName(),
                time(m.joinedAt()));
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
