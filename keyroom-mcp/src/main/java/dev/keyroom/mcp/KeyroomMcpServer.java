package dev.keyroom.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP server over stdio: newline-delimited JSON-RPC in on {@code in}, out on {@code out}, and
 * nothing else on {@code out} (the caller sends its logs and any stray print elsewhere). It serves
 * the agent's tools until the client closes its end of the input.
 */
public final class KeyroomMcpServer {
    static final String INSTRUCTIONS = "Keyroom gives this agent an identity of its own, rooms shared with people and"
            + " other agents (messages there are end-to-end encrypted and signed), files attached to those rooms,"
            + " and API credentials it may use but never see: call_upstream sends a request through the Keyroom"
            + " gateway, which adds the credential. No tool returns a secret's value. Start with list_rooms and"
            + " list_grants.";

    private KeyroomMcpServer() {}

    /** The names of the tools served, in order. */
    public static List<String> toolNames(Agent agent) {
        return Toolbox.tools(agent).stream().map(AgentTool::name).toList();
    }

    /** Serves {@code agent}'s tools on {@code in} and {@code out} until {@code in} ends. */
    public static void serve(Agent agent, String version, InputStream in, OutputStream out)
            throws InterruptedException {
        McpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        EndOfInput input = new EndOfInput(in);
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(json, input, out))
                .serverInfo("keyroom", version)
                .instructions(INSTRUCTIONS)
                .jsonMapper(json)
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(Toolbox.specifications(agent, json))
                .build();
        try {
            input.await();
        } finally {
            server.close();
        }
    }
}
