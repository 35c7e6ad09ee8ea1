package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.RoomDtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "room",
        description = "Rooms: create, inspect, invite, leave, rekey, history retention.",
        subcommands = {
            RoomCommand.Create.class,
            RoomCommand.ListRooms.class,
            RoomCommand.Show.class,
            RoomCommand.Members.class,
            RoomCommand.Invite.class,
            RoomCommand.Leave.class,
            RoomCommand.Rekey.class,
            RoomCommand.Retention.class
        })
final class RoomCommand {
    static ClientCommand.Printed printed(RoomDtos.Room r) {
        return new ClientCommand.Printed(
                r,
                r.roomId() + " " + r.name() + " " + r.policy() + " epoch " + r.epoch()
                        + (Boolean.TRUE.equals(r.rekeyRequired()) ? " (rekey required)" : ""));
    }

    @Command(
            name = "create",
            description = "Create a room; encrypted unless --cleartext. The room key is made and sealed here.")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", description = "Room name")
        String name;

        @Option(names = "--cleartext", description = "No end-to-end encryption (refused off loopback unless allowed)")
        boolean cleartext;

        @Override
        Printed run(KeyroomClient c) {
            return printed(
                    cleartext ? c.rooms().createCleartext(name) : c.rooms().create(name));
        }
    }

    @Command(name = "list", description = "List your rooms.")
    static final class ListRooms extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            List<RoomDtos.MyRoom> rooms = c.rooms().mine();
            return Printed.lines(
                    new RoomDtos.MyRooms(rooms),
                    rooms,
                    r -> r.roomId() + " " + r.name() + " " + r.policy() + " epoch " + r.epoch() + " " + r.role());
        }
    }

    @Command(name = "show", description = "Show a room.")
    static final class Show extends OnRoom {
        @Override
        Printed run(KeyroomClient c) {
            return printed(c.rooms().get(roomId()));
        }
    }

    @Command(name = "members", description = "List a room's members.")
    static final class Members extends OnRoom {
        @Override
        Printed run(KeyroomClient c) {
            List<RoomDtos.Member> m = c.rooms().members(roomId());
            return Printed.lines(new RoomDtos.Members(m), m, x -> x.endpoint() + " " + x.role());
        }
    }

    @Command(name = "invite", description = "Add a member: seals the current room key to its public key.")
    static final class Invite extends OnRoom {
        @Parameters(index = "1", description = "Endpoint id of the new member")
        String endpoint;

        @Option(
                names = "--role",
                defaultValue = "member",
                description = "admin, member or reader (default: ${DEFAULT-VALUE})")
        String role;

        @Override
        Printed run(KeyroomClient c) {
            c.rooms().invite(roomId(), EndpointId.parse(endpoint), RoomRole.parse(role));
            return new Printed(
                    Map.of("room_id", roomId().toString(), "endpoint", endpoint, "role", role),
                    "invited " + endpoint + " as " + role);
        }
    }

    @Command(name = "leave", description = "Leave a room; an owner or admin must then rekey it.")
    static final class Leave extends OnRoom {
        @Override
        Printed run(KeyroomClient c) {
            c.rooms().leave(roomId());
            return new Printed(Map.of("room_id", roomId().toString(), "left", true), "left " + room);
        }
    }

    @Command(name = "rekey", description = "Move the room to a new epoch key, optionally removing members.")
    static final class Rekey extends OnRoom {
        @Option(names = "--remove", description = "Endpoint id to remove (repeatable)")
        List<String> remove = new ArrayList<>();

        @Override
        Printed run(KeyroomClient c) {
            long epoch = c.rooms()
                    .rekey(roomId(), remove.stream().map(EndpointId::parse).collect(Collectors.toSet()));
            return new Printed(new RoomDtos.Epoch(epoch), "room " + room + " is at epoch " + epoch);
        }
    }

    @Command(
            name = "retention",
            description = "Show the room's history retention, or set it (owners and admins); with --default,"
                    + " return to the server's defaults. Messages beyond a lowered setting are deleted at once.")
    static final class Retention extends OnRoom {
        @Option(names = "--count", description = "Messages kept (1 to 10000000)")
        Integer count;

        @Option(names = "--days", description = "Days a message is kept (1 to 3650)")
        Integer days;

        @Option(names = "--secret-versions", description = "Versions of each secret kept (1 to 1000)")
        Integer secretVersions;

        @Option(names = "--default", description = "Use the server's defaults for this room again")
        boolean useDefault;

        @Override
        Printed run(KeyroomClient c) {
            boolean change = count != null || days != null || secretVersions != null;
            if (useDefault && change) {
                throw new IllegalArgumentException(
                        "--default cannot be combined with --count, --days or --secret-versions");
            }
            RoomDtos.Retention r;
            if (useDefault) {
                r = c.rooms().setRetention(roomId(), null, null, null);
            } else if (change) {
                RoomDtos.Retention now = c.rooms().retention(roomId());
                r = c.rooms()
                        .setRetention(
                                roomId(),
                                count != null ? count : now.roomRetainCount(),
                                days != null ? days : now.roomRetainDays(),
                                secretVersions != null ? secretVersions : now.roomSecretVersions());
            } else {
                r = c.rooms().retention(roomId());
            }
            return new Printed(
                    r,
                    "keeps " + r.retainCount() + " messages"
                            + (r.roomRetainCount() == null ? " (server default)" : "") + ", for " + r.retainDays()
                            + " days" + (r.roomRetainDays() == null ? " (server default)" : "") + ", "
                            + r.secretVersions() + " versions of each secret"
                            + (r.roomSecretVersions() == null ? " (server default)" : ""));
        }
    }
}
