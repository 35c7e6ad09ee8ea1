package dev.keyroom.cli;

import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Arrays;

/** A real node on a free loopback port, and the CLI run against it as its first admin. */
final class CliNode implements AutoCloseable {
    final Path data;
    final KeyroomServer server;
    private final String[] connection;

    private CliNode(Path data, KeyroomServer server) {
        this.data = data;
        this.server = server;
        this.connection = new String[] {
            "--server",
            server.uri().toString(),
            "--pin",
            server.pin().orElseThrow(),
            "--identity",
            new DataDir(data).adminIdentity().toString()
        };
    }

    static CliNode start(Path data) throws Exception {
        return new CliNode(
                data, KeyroomServer.start(ServerConfig.from(data, ConfigFile.flags("127.0.0.1:0", null, null, null))));
    }

    /** A node with the YAML configuration {@code yaml}. */
    static CliNode start(Path data, String yaml) throws Exception {
        ConfigFile file =
                ServerConfig.parse("listen: 127.0.0.1:0\n", "test").overriddenBy(ServerConfig.parse(yaml, "test"));
        return new CliNode(data, KeyroomServer.start(ServerConfig.from(data, file)));
    }

    /** Runs a client command with this node's connection options. */
    CliTest.Result run(String... args) {
        String[] all = Arrays.copyOf(args, args.length + connection.length);
        System.arraycopy(connection, 0, all, args.length, connection.length);
        return CliTest.run(all);
    }

    /** Creates an encrypted room and returns its id. */
    String createRoom(String name) {
        CliTest.Result created = run("room", "create", name, "--json");
        if (created.code() != 0) {
            throw new AssertionError(created.err());
        }
        return created.out()
                .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                .strip();
    }

    @Override
    public void close() {
        server.close();
    }
}
