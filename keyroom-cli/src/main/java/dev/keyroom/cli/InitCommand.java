package dev.keyroom.cli;

import dev.keyroom.core.port.Clock;
import dev.keyroom.server.DataDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        description =
                "Create a data directory: store, TLS material and the first admin (DIR/admin.identity unless given).")
final class InitCommand extends KeyroomCommand {
    @Option(names = "--data", required = true, description = "Data directory")
    Path data;

    @Option(names = "--admin-identity", description = "Register this identity file as the first admin")
    Path adminIdentity;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws Exception {
        DataDir.Init init =
                new DataDir(data).init(Optional.ofNullable(adminIdentity), Clock.system(), new SecureRandom());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", data.toString());
        out.put("created", init.created());
        out.put("admin_endpoint", init.adminEndpoint());
        init.adminIdentityWritten().ifPresent(p -> out.put("admin_identity", p.toString()));
        out.put("tls_pin", init.spkiPin());
        StringBuilder human = new StringBuilder();
        human.append(init.created() ? "initialised " : "already initialised ")
                .append(data)
                .append('\n');
        human.append("admin endpoint ").append(init.adminEndpoint()).append('\n');
        init.adminIdentityWritten()
                .ifPresent(p -> human.append("admin identity ").append(p).append(" (mode 0600)\n"));
        human.append("tls pin ").append(init.spkiPin());
        print(output.json, out, human.toString());
        return 0;
    }
}
