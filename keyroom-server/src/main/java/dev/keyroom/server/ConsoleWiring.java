package dev.keyroom.server;

import dev.keyroom.protocol.dto.ConsoleDtos;
import dev.keyroom.server.console.Console;
import dev.keyroom.server.console.ConsolePorts;
import dev.keyroom.server.http.ConsoleTicketRoutes;
import dev.keyroom.server.web.ClientAddresses;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The admin console of a node whose configuration turns it on (issue 20): made from the node's
 * services, ports and limits, a bean of the node's HTTP server (started and stopped with it), and
 * the desk the client listener's {@code POST /v1/console/tickets} hands login links out from.
 */
final class ConsoleWiring {
    private ConsoleWiring() {}

    /** The console, when configured; owned by the node's HTTP server from here on. */
    static Optional<Console> console(Node node, HttpStack stack) throws IOException {
        if (!node.config().console().enabled()) {
            return Optional.empty();
        }
        Services s = node.services();
        Backends b = node.backends();
        ConsolePorts ports = new ConsolePorts(
                s.users(),
                s.directory(),
                b.store().users(),
                b.store().rooms(),
                b.store().census(),
                b.store().bans(),
                s.bans(),
                node.audit(),
                s.gate(),
                new ClientAddresses(node.config().trustedProxies()),
                node.ids(),
                node.site(),
                node.metrics(),
                ControlPlane.posture(node),
                () -> b.nats().map(c -> List.copyOf(c.getServers())).orElse(List.of()),
                KeyroomServer.VERSION,
                node.clock(),
                node.random());
        Console console = Console.create(node.config(), node.dir().root(), ports);
        stack.jetty().addBean(console, true);
        b.own(console); // a start that fails after the console listens still closes it
        return Optional.of(console);
    }

    /** Where the client listener's route gets login links from. */
    static Optional<ConsoleTicketRoutes.Desk> desk(Optional<Console> console) {
        return console.map(c -> admin -> {
            Console.Link link = c.issue(admin);
            return new ConsoleDtos.Login(link.url().toString(), DateTimeFormatter.ISO_INSTANT.format(link.expiresAt()));
        });
    }
}
