package dev.keyroom.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A tool's answer reaches the model whole; a failure reaches it as one sentence, never a stack trace. */
class ToolboxTest {
    static McpSchema.CallToolResult call(Function<Arguments, Map<String, Object>> body, Map<String, Object> args) {
        return Toolbox.call(new AgentTool("t", "T", "d", "{\"type\":\"object\"}", true, body), args);
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void call_anAnswer_isStructuredAndRepeatedAsJsonText() {
        McpSchema.CallToolResult r = call(a -> Map.of("seq", 4L), Map.of());
        assertThat(r.isError()).isFalse();
        assertThat(r.structuredContent()).isEqualTo(Map.of("seq", 4L));
        assertThat(text(r)).isEqualTo("{\"seq\":4}");
    }

    @Test
    void call_aFailure_isAToolErrorInOneSentence() {
        McpSchema.CallToolResult r = call(
                a -> {
                    throw new ToolFailure("no room 'x' among this agent's rooms");
                },
                Map.of());
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).isEqualTo("no room 'x' among this agent's rooms");
    }

    @Test
    void call_anUnforeseenFailure_saysWhatWithoutAStackTrace() {
        McpSchema.CallToolResult r = call(
                a -> {
                    throw new IllegalStateException("the server listed a member under another key");
                },
                Map.of());
        assertThat(r.isError()).isTrue();
        assertThat(text(r))
                .isEqualTo("t failed: the server listed a member under another key")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void arguments_thatBreakTheirRule_areNamedInTheError() {
        McpSchema.CallToolResult r = call(a -> Map.of("n", a.number("limit", 1, 10, 5)), Map.of("limit", 2.5));
        assertThat(text(r)).isEqualTo("the argument 'limit' must be a whole number");
        r = call(a -> Map.of("t", a.text("room")), Map.of());
        assertThat(text(r)).isEqualTo("the argument 'room' is required");
        r = call(a -> Map.of("h", a.strings("headers")), Map.of("headers", Map.of("X", 1)));
        assertThat(text(r)).isEqualTo("the argument 'headers' must be an object of strings");
    }
}
