package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.ConsoleDtos;
import picocli.CommandLine.Command;

@Command(
        name = "console",
        description = "The node's admin console in a browser.",
        subcommands = {ConsoleCommand.Login.class})
final class ConsoleCommand {
    @Command(
            name = "login",
            description = "Print a one-time login link to the node's admin console (admin), valid for 60 seconds:"
                    + " open it in a browser. The link's ticket is in its fragment, which the browser never sends;"
                    + " the page exchanges it for a session.")
    static final class Login extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            ConsoleDtos.Login login = c.console().login();
            return new Printed(
                    java.util.Map.of("url", login.url(), "expires_at", login.expiresAt()),
                    login.url() + "\n# open it within 60 seconds (until " + login.expiresAt() + "); it works once");
        }
    }
}
