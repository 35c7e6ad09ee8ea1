package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.KeyringDtos;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "keyring",
        description = "The server's at-rest keyring (admin): status, rotate, rewrap, retire.",
        subcommands = {
            KeyringCommand.Status.class,
            KeyringCommand.Rotate.class,
            KeyringCommand.Rewrap.class,
            KeyringCommand.Retire.class
        })
final class KeyringCommand {
    static ClientCommand.Printed printed(KeyringDtos.KeyringStatus s) {
        return new ClientCommand.Printed(
                s,
                s.keys().stream()
                                .map(k -> "key " + k.id() + (k.current() ? " (current)" : "") + ": " + k.items()
                                        + " items")
                                .collect(Collectors.joining("\n"))
                        + (s.rewrapping() ? "\nrewrap running" : "") + "\nrewrapped " + s.rewrapped()
                        + (s.unreadable() > 0 ? ", unreadable " + s.unreadable() : ""));
    }

    @Command(name = "status", description = "Keys, the current one, and how many items each seals.")
    static final class Status extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            return printed(c.keyring().status());
        }
    }

    @Command(name = "rotate", description = "Add a key; new writes use it at once, no restart.")
    static final class Rotate extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            return printed(c.keyring().rotate());
        }
    }

    @Command(name = "rewrap", description = "Re-seal items under older keys with the current key, in the background.")
    static final class Rewrap extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            return printed(c.keyring().rewrap());
        }
    }

    @Command(name = "retire", description = "Remove a key that no item uses any more.")
    static final class Retire extends ClientCommand {
        @Parameters(index = "0", description = "Key id")
        int id;

        @Override
        Printed run(KeyroomClient c) {
            return printed(c.keyring().retire(id));
        }
    }
}
