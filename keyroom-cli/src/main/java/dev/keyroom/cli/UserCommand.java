package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.UserDtos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(
        name = "user",
        description = "Manage the allowlist (admin).",
        subcommands = {
            UserCommand.Add.class,
            UserCommand.ListUsers.class,
            UserCommand.Revoke.class,
            UserCommand.Unlock.class
        })
final class UserCommand {
    static String line(UserDtos.User u) {
        return u.endpoint() + " " + u.role() + " " + u.status() + " " + u.name();
    }

    static ClientCommand.Printed printed(UserDtos.User u) {
        return new ClientCommand.Printed(u, line(u));
    }

    @Command(name = "add", description = "Register a user from its public keys.")
    static final class Add extends ClientCommand {
        @Option(names = "--name", required = true)
        String name;

        @Option(
                names = "--role",
                defaultValue = "agent",
                description = "admin, member or agent (default: ${DEFAULT-VALUE})")
        String role;

        @Option(
                names = "--from",
                description =
                        "A file with sign_pub and kex_pub: the JSON 'keyroom keygen --json' prints, or an identity file (only its public keys are read)")
        Path from;

        @Option(names = "--sign-pub", description = "Ed25519 public key, base64url")
        String signPub;

        @Option(names = "--kex-pub", description = "X25519 public key, base64url")
        String kexPub;

        @Override
        Printed run(KeyroomClient c) throws Exception {
            if (from != null) {
                JsonNode n = Json.mapper().readTree(Files.readAllBytes(from));
                signPub = n.path("sign_pub").asString(null);
                kexPub = n.path("kex_pub").asString(null);
            }
            if (signPub == null || kexPub == null) {
                throw new IllegalArgumentException("give --from FILE or both --sign-pub and --kex-pub");
            }
            return printed(c.users()
                    .register(
                            Base64Url.decode(signPub, "sign_pub"),
                            Base64Url.decode(kexPub, "kex_pub"),
                            name,
                            Role.parse(role)));
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            List<UserDtos.User> users = c.users().list();
            return Printed.lines(new UserDtos.Users(users), users, UserCommand::line);
        }
    }

    @Command(name = "revoke", description = "Revoke a user: effective on its next request.")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", description = "Endpoint id")
        String endpoint;

        @Override
        Printed run(KeyroomClient c) {
            return printed(c.users().revoke(EndpointId.parse(endpoint)));
        }
    }

    @Command(name = "unlock", description = "Lift an agent's lockout.")
    static final class Unlock extends ClientCommand {
        @Parameters(index = "0", description = "Endpoint id")
        String endpoint;

        @Override
        Printed run(KeyroomClient c) {
            return printed(c.users().unlock(EndpointId.parse(endpoint)));
        }
    }
}
