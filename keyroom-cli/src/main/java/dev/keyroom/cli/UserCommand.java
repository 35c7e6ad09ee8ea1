package dev.keyroom.cli;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.Dto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
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
    static String line(Dto.User u) {
        return u.endpoint() + " " + u.role() + " " + u.status() + " " + u.name();
    }

    @Command(name = "add", description = "Register a user from its public keys.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

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
        public Integer call() throws Exception {
            if (from != null) {
                JsonNode n = Json.mapper().readTree(Files.readAllBytes(from));
                signPub = n.path("sign_pub").asString(null);
                kexPub = n.path("kex_pub").asString(null);
            }
            if (signPub == null || kexPub == null) {
                throw new IllegalArgumentException("give --from FILE or both --sign-pub and --kex-pub");
            }
            try (ClientOptions.Session s = client.open()) {
                Dto.User u = s.client()
                        .registerUser(
                                Base64Url.decode(signPub, "sign_pub"),
                                Base64Url.decode(kexPub, "kex_pub"),
                                name,
                                Role.parse(role));
                Output.print(spec, client.json, u, line(u));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                List<Dto.User> users = s.client().users();
                Output.print(
                        spec,
                        client.json,
                        new Dto.Users(users),
                        users.stream().map(UserCommand::line).collect(Collectors.joining("\n")));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a user: effective on its next request.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Endpoint id")
        String endpoint;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                Dto.User u = s.client().revoke(EndpointId.parse(endpoint));
                Output.print(spec, client.json, u, line(u));
            }
            return 0;
        }
    }

    @Command(name = "unlock", description = "Lift an agent's lockout.")
    static final class Unlock implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "Endpoint id")
        String endpoint;

        @Override
        public Integer call() throws Exception {
            try (ClientOptions.Session s = client.open()) {
                Dto.User u = s.client().unlock(EndpointId.parse(endpoint));
                Output.print(spec, client.json, u, line(u));
            }
            return 0;
        }
    }
}
