package dev.keyroom.cli;

import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "server",
        description =
                "Run a node. Initialises an empty data directory. Prints 'listening on <url>' once ready; stops cleanly on SIGTERM.")
final class ServerCommand extends KeyroomCommand {
    @Mixin
    NodeOptions node;

    @Option(names = "--listen", description = "HOST:PORT (default: 127.0.0.1:8443)")
    String listen;

    @Option(names = "--insecure-plaintext", description = "Serve plain HTTP; accepted only on a loopback address")
    Boolean insecurePlaintext;

    @Option(names = "--auth-mode", description = "enforce (default), soft, or off (loopback only)")
    String authMode;

    @Option(names = "--allow-cleartext-rooms", description = "Allow cleartext rooms on a non-loopback address")
    Boolean allowCleartextRooms;

    @Override
    public Integer call() throws Exception {
        ConfigFile flags = ConfigFile.flags(listen, insecurePlaintext, authMode, allowCleartextRooms);
        ServerConfig cfg = node.load(flags);
        LogSetup.apply(cfg.log());
        Path data = node.data;
        boolean fresh = !Files.exists(data.resolve("keyroom.db"));
        // A busy port is found before the data directory and its admin identity are made.
        requireFree(cfg.listenHost(), cfg.listenPort());
        if (cfg.metrics().isPresent()) {
            requireFree(cfg.metrics().get().host(), cfg.metrics().get().port());
        }
        KeyroomServer server;
        try {
            server = KeyroomServer.start(cfg);
        } catch (Exception e) {
            if (Failures.bindFailure(e) != null) {
                throw portInUse(cfg.listenHost(), cfg.listenPort(), e);
            }
            throw e;
        }
        PrintWriter out = out();
        // SIGTERM and SIGINT run the shutdown hooks: stop accepting, let requests in flight finish,
        // close the store, then end with status 0, since a requested stop is a clean exit (the
        // JVM would report 143).
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            out.println("stopped");
                            out.flush();
                            Runtime.getRuntime().halt(0);
                        },
                        "keyroom-shutdown"));
        if (fresh) {
            out.println("initialised " + data + "; first admin identity " + data.resolve("admin.identity"));
        }
        for (String warning : cfg.warnings()) {
            out.println("WARNING: " + warning);
        }
        server.pin().ifPresent(p -> out.println("tls pin " + p));
        out.println("accepting requests signed for " + String.join(", ", server.authorities()));
        server.metricsUri().ifPresent(m -> out.println("prometheus metrics on " + m));
        server.console().ifPresent(c -> out.println("admin console on " + c + " (log in: keyroom console login)"));
        out.println("listening on " + server.uri());
        out.flush();
        server.join();
        return 0;
    }

    /** Refuses a listen address some other process holds (or that this host does not have). */
    static void requireFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw portInUse(host, port, e);
        }
    }

    private static CliFailure portInUse(String host, int port, Exception cause) {
        return new CliFailure(
                CliFailure.Code.PORT_IN_USE,
                "cannot listen on " + host + ":" + port + " (" + Failures.sentence(cause) + ")",
                "another process holds it (another keyroom server?): stop it, or pass --listen HOST:PORT",
                cause);
    }
}
