package dev.keyroom.mcp;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.protocol.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools, as the MCP SDK takes them: each call's answer is handed back both as structured
 * content and as its JSON text (for clients that read only text), and each failure as a tool error
 * whose text is one sentence: a refusal by the node in its own words, or what went wrong. A
 * failure nobody foresaw is logged with its stack trace on standard error, never sent to the model.
 */
final class Toolbox {
    private static final Logger LOG = LoggerFactory.getLogger(Toolbox.class);

    private Toolbox() {}

    /** Every tool of {@code agent}. */
    static List<AgentTool> tools(Agent agent) {
        return Stream.of(RoomTools.tools(agent), BlobTools.tools(agent), GrantTools.tools(agent))
                .flatMap(List::stream)
                .toList();
    }

    static List<McpServerFeatures.SyncToolSpecification> specifications(Agent agent, McpJsonMapper json) {
        return tools(agent).stream().map(t -> specification(t, json)).toList();
    }

    private static McpServerFeatures.SyncToolSpecification specification(AgentTool t, McpJsonMapper json) {
        McpSchema.Tool tool = McpSchema.Tool.builder(t.name(), json, t.inputSchema())
                .title(t.title())
                .description(t.description())
                .annotations(McpSchema.ToolAnnotations.builder()
                        .title(t.title())
                        .readOnlyHint(t.readOnly())
                        .destructiveHint(false)
                        .openWorldHint(t.name().equals("call_upstream"))
                        .build())
                .build();
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> call(t, request.arguments()))
                .build();
    }

    /** Runs {@code t}; its answer, or a tool error in one sentence. */
    static McpSchema.CallToolResult call(AgentTool t, Map<String, Object> arguments) {
        try {
            Map<String, Object> answer = t.call().apply(new Arguments(arguments));
            return McpSchema.CallToolResult.builder()
                    .structuredContent(answer)
                    .addTextContent(Json.writeString(answer))
                    .isError(false)
                    .build();
        } catch (ToolFailure e) {
            return error(e.getMessage());
        } catch (KeyroomApiException e) {
            return error("the Keyroom server refused: " + e.getMessage());
        } catch (KeyroomException | IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (UncheckedIOException e) {
            return error("cannot reach the Keyroom server: " + GatewayLink.sentence(e));
        } catch (RuntimeException e) {
            LOG.warn("tool {} failed", t.name(), e);
            return error(t.name() + " failed: " + GatewayLink.sentence(e));
        }
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder()
                .addTextContent(message)
                .isError(true)
                .build();
    }
}
