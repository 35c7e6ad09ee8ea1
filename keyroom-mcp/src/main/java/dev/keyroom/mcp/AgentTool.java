package dev.keyroom.mcp;

import java.util.Map;
import java.util.function.Function;

/**
 * One tool as a model sees it: a snake_case name, a description that says what it does and what it
 * never returns, a JSON schema of its arguments, whether it only reads, and what it does. A call
 * answers a JSON object, or fails with a {@link ToolFailure}.
 */
record AgentTool(
        String name,
        String title,
        String description,
        String inputSchema,
        boolean readOnly,
        Function<Arguments, Map<String, Object>> call) {}
