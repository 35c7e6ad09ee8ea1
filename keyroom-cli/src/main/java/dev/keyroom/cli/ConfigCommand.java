package dev.keyroom.cli;

import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Configuration files.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {
    @Command(
            name = "check",
            description = "Validate a YAML config file; print every problem at once by its YAML name, exit 2 if any.")
    static final class Check extends KeyroomCommand {
        @Parameters(index = "0", description = "The config file")
        Path file;

        @Option(names = "--data", defaultValue = "data", description = "Data directory it is meant for")
        Path data;

        @Option(
                names = "--json",
                description = "Print the result as JSON, settings by their YAML names (problems: JSON on stderr)")
        boolean json;

        @Override
        public Integer call() {
            ServerConfig.Check check = ServerConfig.check(data, file);
            if (!check.problems().isEmpty()) {
                int n = check.problems().size();
                throw new CliFailure(
                                CliFailure.Code.CONFIG_INVALID,
                                file + " has " + n + (n == 1 ? " problem:" : " problems:"),
                                "fix " + (n == 1 ? "it" : "them") + " and run 'keyroom config check " + file
                                        + "' again")
                        .withDetails(check.problems());
            }
            ServerConfig cfg = check.config().orElseThrow();
            for (String warning : cfg.warnings()) {
                err().println("WARNING: " + warning);
            }
            // The settings as the file names them, with the three every node has made explicit.
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("listen", cfg.listenHost() + ":" + cfg.listenPort());
            settings.put("insecure_plaintext", !cfg.tls());
            settings.put("auth_mode", cfg.authMode().wireName());
            settings.putAll(check.settings());
            settings.put("listen", cfg.listenHost() + ":" + cfg.listenPort());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("file", file.toString());
            result.put("ok", true);
            result.put("warnings", cfg.warnings());
            result.put("settings", settings);
            print(
                    json,
                    result,
                    "ok: " + file + " (listen " + cfg.listenHost() + ":" + cfg.listenPort() + ", tls " + cfg.tls()
                            + ", auth " + cfg.authMode().wireName() + ")");
            return 0;
        }
    }
}
