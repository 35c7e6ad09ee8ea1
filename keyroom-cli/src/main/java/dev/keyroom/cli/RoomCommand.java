package dev.keyroom.cli;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.Dto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "room",
        description = "Rooms: create, inspect, invite, leave, rekey.",
        subcommands = {
            RoomCommand.Create.class,
            RoomCommand.ListRooms.class,
            RoomCommand.Show.class,
            RoomCommand.Members.class,
            RoomCommand.Invite.class,
            RoomCommand.Leave.class,
            RoomCommand.Rekey.class
        })
final class RoomCommand {
    static String line(Dto.Room r) {
        return r.roomId() + " " + r.name() + " " + r.policy() + " epoch " + r.epoch()
                + (Boolean.TRUE.equals(r.rekeyRequired()) ? " (rekey required)" : "");
    }

    @Command(
            name = "create",
            description = "Create a room; encrypted unless --cleartext. The room key is made and sealed here.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room name")
        String name;

        @Option(names = "--cleartext", description = "No end-to-end encryption (refused off loopback unless allowed)")
        boolean cleartext;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                Dto.Room r = cleartext
                        ? s.client().createCleartextRoom(name)
                        : s.client().createRoom(name);
                Output.print(spec, client.json, r, line(r));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List your rooms.")
    static final class ListRooms implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                List<Dto.MyRoom> rooms = s.client().myRooms();
                Output.print(
                        spec,
                        client.json,
                        new Dto.MyRooms(rooms),
                        rooms.stream()
                                .map(r -> r.roomId() + " " + r.name() + " " + r.policy() + " epoch " + r.epoch() + " "
                                        + r.role())
                                .collect(Collectors.joining("\n")));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show a room.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room id")
        String room;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                Dto.Room r = s.client().room(RoomId.parse(room));
                Output.print(spec, client.json, r, line(r));
            }
            return 0;
        }
    }

    @Command(name = "members", description = "List a room's members.")
    static final class Members implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room id")
        String room;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                List<Dto.Member> m = s.client().members(RoomId.parse(room));
                Output.print(
                        spec,
                        client.json,
                        new Dto.Members(m),
                        m.stream().map(x -> x.endpoint() + " " + x.role()).collect(Collectors.joining("\n")));
            }
            return 0;
        }
    }

    @Command(name = "invite", description = "Add a member: seals the current room key to its public key.")
    static final class Invite implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room id")
        String room;

        @Parameters(index = "1", description = "Endpoint id of the new member")
        String endpoint;

        @Option(
                names = "--role",
                defaultValue = "member",
                description = "admin, member or reader (default: ${DEFAULT-VALUE})")
        String role;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                s.client().invite(RoomId.parse(room), EndpointId.parse(endpoint), RoomRole.parse(role));
                Output.print(
                        spec,
                        client.json,
                        Map.of("room_id", room, "endpoint", endpoint, "role", role),
                        "invited " + endpoint + " as " + role);
            }
            return 0;
        }
    }

    @Command(name = "leave", description = "Leave a room; an owner or admin must then rekey it.")
    static final class Leave implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room id")
        String room;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                s.client().leave(RoomId.parse(room));
                Output.print(spec, client.json, Map.of("room_id", room, "left", true), "left " + room);
            }
            return 0;
        }
    }

    @Command(name = "rekey", description = "Move the room to a new epoch key, optionally removing members.")
    static final class Rekey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Room id")
        String room;

        @Option(names = "--remove", description = "Endpoint id to remove (repeatable)")
        List<String> remove = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                long epoch = s.client()
                        .rekey(
                                RoomId.parse(room),
                                remove.stream().map(EndpointId::parse).collect(Collectors.toSet()));
                Output.print(spec, client.json, new Dto.Epoch(epoch), "room " + room + " is at epoch " + epoch);
            }
            return 0;
        }
    }
}
