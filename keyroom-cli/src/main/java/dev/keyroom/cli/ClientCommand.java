package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a server: opens the identity and a client from the shared options, makes
 * its call, prints the result as JSON or as a human line, and closes both.
 */
abstract class ClientCommand extends KeyroomCommand {
    @Mixin
    ClientOptions client;

    /** What a command prints: the value for {@code --json} and the line for people. */
    record Printed(Object json, String human) {}

    abstract Printed run(KeyroomClient c) throws Exception;

    @Override
    public final Integer call() throws Exception {
        try (ClientOptions.Session s = client.open()) {
            Printed p = run(s.client());
            print(client.json, p.json(), p.human());
        }
        return 0;
    }
}
