package dev.keyroom.cli;

import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigException;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a node's data and configuration are, for the commands that act as (or on) a node. */
final class NodeOptions {
    @Option(names = "--data", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--config", description = "YAML config file (default: DATA/keyroom.yaml when present)")
    Path config;

    /** The node's validated configuration, with {@code overrides} laid over the file. */
    ServerConfig load(ConfigFile overrides) throws ConfigException {
        return config != null
                ? ServerConfig.from(data, ServerConfig.readFile(config).overriddenBy(overrides))
                : KeyroomServer.configFor(data, overrides);
    }
}
