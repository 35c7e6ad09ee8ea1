package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.protocol.dto.ConsoleDtos;
import java.util.Optional;

/**
 * {@code POST /v1/console/tickets} (admin): a one-time login link to this node's admin console,
 * valid for 60 s (UI-1). The only console route on the client listener: a signed request is how an
 * admin proves who it is; everything else of the console is on its own listener. Audited as every
 * write is; the link is in the answer only, never in a log. When the console is off, 409 says how
 * to turn it on.
 */
public record ConsoleTicketRoutes(Optional<Desk> desk) {
    public static final String PATH = "/v1/console/tickets";

    /** Makes a login link for an admin. */
    @FunctionalInterface
    public interface Desk {
        ConsoleDtos.Login issue(User admin);
    }

    public void register(Router router) {
        router.add("POST", PATH, Router.Access.ADMIN, c -> {
            Desk d = desk.orElseThrow(() -> KeyroomException.conflict(
                    "the admin console is off on this node: set console.listen in its configuration"));
            return Reply.created(d.issue(c.caller()));
        });
    }
}
