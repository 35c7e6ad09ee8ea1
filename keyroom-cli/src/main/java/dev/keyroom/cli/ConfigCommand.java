package dev.keyroom.cli;

import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Configuration files.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {
    @Command(name = "check", description = "Validate a YAML config file; print every problem, exit 2 if any.")
    static final class Check extends KeyroomCommand {
        @Parameters(index = "0", description = "The config file")
        Path file;

        @Option(names = "--data", defaultValue = "data", description = "Data directory it is meant for")
        Path data;

        @Option(names = "--json", description = "Print the effective configuration as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ServerConfig cfg = ServerConfig.from(data, ServerConfig.readFile(file));
            for (String warning : cfg.warnings()) {
                err().println("WARNING: " + warning);
            }
            print(
                    json,
                    cfg,
                    "ok: " + file + " (listen " + cfg.listenHost() + ":" + cfg.listenPort() + ", tls " + cfg.tls()
                            + ", auth " + cfg.authMode().wireName() + ")");
            return 0;
        }
    }
}
