package dev.keyroom.cli;

import dev.keyroom.mcp.Agent;
import dev.keyroom.mcp.KeyroomMcpServer;
import dev.keyroom.server.KeyroomServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Serves an agent's own identity to its model as MCP tools over stdio. Standard output is the MCP
 * channel and nothing else: before anything can print or log, {@code System.out} is pointed at
 * standard error, and the transport writes to the process's own standard output descriptor.
 */
@Command(
        name = "mcp",
        description = "Serve --identity's rooms, messages, blobs and gateway calls to an AI agent as MCP tools over"
                + " stdio (JSON-RPC on standard output, logs on standard error). No tool returns a secret's value.")
final class McpCommand extends KeyroomCommand {
    @Mixin
    ClientOptions client;

    @Option(
            names = "--gateway",
            description = "The gateway's URL, e.g. http://127.0.0.1:8480, for the call_upstream tool")
    String gateway;

    @Option(
            names = "--gateway-ca",
            description = "The gateway's CA certificate (its DATA/ca.pem); fetched from a loopback http:// gateway"
                    + " when absent, required for an https:// gateway")
    Path gatewayCa;

    @Override
    public Integer call() throws Exception {
        Optional<URI> at = Optional.empty();
        if (gateway != null) {
            at = Optional.of(RunCommand.gatewayUri(gateway));
            if (at.get().getScheme().equals("https") && gatewayCa == null) {
                throw new IllegalArgumentException("an https:// gateway needs --gateway-ca: its certificate is from"
                        + " the gateway's own CA (the gateway's DATA/ca.pem)");
            }
        } else if (gatewayCa != null) {
            throw new IllegalArgumentException("--gateway-ca goes with --gateway");
        }
        PrintStream stdout = System.out;
        OutputStream channel = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        try (ClientOptions.Session s = client.open();
                Agent agent = new Agent(
                        client.server, client.trust.trust(), s.identity(), at, Optional.ofNullable(gatewayCa))) {
            // Fail at start, in one line on standard error, when the node or the identity is wrong.
            s.client().users().me();
            KeyroomMcpServer.serve(agent, KeyroomServer.VERSION, System.in, channel);
        } finally {
            System.setOut(stdout);
        }
        return 0;
    }
}
