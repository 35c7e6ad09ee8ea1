package dev.keyroom.cli;

import dev.keyroom.gateway.Gateway;
import dev.keyroom.gateway.GatewayConfig;
import dev.keyroom.gateway.GatewayDir;
import dev.keyroom.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs an egress gateway: a process of its own, with its own identity, that agents use as their
 * HTTPS proxy and that injects the API keys their grants name, so the agents never hold them. Like
 * {@code keyroom server} it initialises an empty data directory; since a fresh gateway is not yet
 * registered, it prints the steps that register it before it tries to load its grants, so that the
 * refusal that follows still leaves the operator knowing what to do.
 */
@Command(
        name = "gateway",
        description = "Run an egress gateway for agents. Initialises an empty data directory and says how to"
                + " register it. Prints 'listening on <url>' once ready; stops cleanly on SIGTERM.")
final class GatewayCommand extends KeyroomCommand {
    /** The variables through which common HTTP clients are told which CA to trust. */
    static final String CA_VARIABLES = "SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, CURL_CA_BUNDLE";

    @Option(names = "--data", required = true, description = "The gateway's data directory")
    Path data;

    @Option(names = "--server", description = "The Keyroom server's URL (recorded in DATA/gateway.yaml at init)")
    String server;

    @Option(names = "--pin", description = "SPKI pin of the Keyroom server's certificate: sha256/<base64>")
    String pin;

    @Option(names = "--listen", description = "HOST:PORT of the proxy (default: " + GatewayConfig.DEFAULT_LISTEN + ")")
    String listen;

    @Override
    public Integer call() throws Exception {
        GatewayDir dir = new GatewayDir(data);
        GatewayConfig.File flags = GatewayConfig.File.flags(server, pin, listen);
        // Checked before anything is written, so a mistake leaves no half-made directory behind.
        GatewayConfig.load(dir.config(), flags);
        boolean fresh = Gateway.initIfEmpty(dir, flags);
        GatewayConfig config = GatewayConfig.load(dir.config(), flags);
        PrintWriter out = out();
        String endpoint = Json.mapper()
                .readTree(Files.readAllBytes(dir.publicIdentity()))
                .path("endpoint")
                .asString();
        if (fresh) {
            out.println("initialised " + data);
        }
        out.println("gateway endpoint " + endpoint);
        if (fresh) {
            printNextSteps(out, config, endpoint);
        }
        out.println("agents trust its CA " + dir.caCertificate() + " (" + CA_VARIABLES + ")");
        out.flush();
        Gateway gateway;
        try {
            gateway = Gateway.start(dir, config);
        } catch (Exception e) {
            return Failures.report(
                    new CliFailure(
                            CliFailure.Code.GATEWAY_NOT_STARTED,
                            "the gateway did not start: " + Failures.sentence(e),
                            null),
                    err(),
                    false);
        }
        // As keyroom server: SIGTERM and SIGINT close the listener, the tunnels and the stores, then
        // end with status 0, since a requested stop is a clean exit.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            gateway.close();
                            out.println("stopped");
                            out.flush();
                            Runtime.getRuntime().halt(0);
                        },
                        "keyroom-gateway-shutdown"));
        out.println("listening on " + gateway.uri());
        out.flush();
        gateway.join();
        return 0;
    }

    private void printNextSteps(PrintWriter out, GatewayConfig config, String endpoint) {
        String admin = "--server " + config.server()
                + (config.serverPin() != null ? " --pin " + config.serverPin() : "")
                + " --identity ADMIN.identity";
        out.println("next, as an admin, register the gateway like any member:");
        out.println("  keyroom user add " + admin + " --name gateway --role member --from "
                + new GatewayDir(data).publicIdentity());
        out.println("then, as an owner or admin of each room whose secrets it injects, invite it:");
        out.println("  keyroom room invite ROOM " + endpoint + " --role reader " + admin);
        out.println("and grant agents the use of a secret with 'keyroom grant add'; they call through it with"
                + " 'keyroom run --gateway URL --identity AGENT.identity -- COMMAND'");
    }
}
