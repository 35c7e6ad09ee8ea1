package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a server: opens the identity and a client from the shared options, makes
 * its call, prints the result as JSON or as a human line, and closes both.
 */
abstract class ClientCommand extends KeyroomCommand {
    @Mixin
    ClientOptions client;

    /** What a command prints: the value for {@code --json} and the line for people. */
    record Printed(Object json, String human) {
        /** A listing: {@code json} for {@code --json}, and for people one {@code line} per item. */
        static <T> Printed lines(Object json, List<T> items, Function<? super T, String> line) {
            return new Printed(json, items.stream().map(line).collect(Collectors.joining("\n")));
        }
    }

    abstract Printed run(KeyroomClient c) throws Exception;

    /** Called with the client before {@link #run}: a command resolves the names it was given here. */
    void opened(KeyroomClient c) {}

    @Override
    public final Integer call() throws Exception {
        try (ClientOptions.Session s = client.open()) {
            opened(s.client());
            Printed p = run(s.client());
            print(client.output.json, p.json(), p.human());
        } catch (RuntimeException e) {
            throw Failures.explain(e, client.server == null ? null : client.server.toString());
        }
        return 0;
    }
}
