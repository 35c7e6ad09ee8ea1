package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.UserDtos;
import picocli.CommandLine.Command;

@Command(name = "whoami", description = "Show the server's record of this identity.")
final class WhoamiCommand extends ClientCommand {
    @Override
    Printed run(KeyroomClient c) {
        UserDtos.User me = c.users().me();
        return new Printed(me, UserCommand.line(me));
    }
}
