package dev.keyroom.mcp;

/**
 * Why a tool call could not be done, in one sentence meant for the model that made it: what was
 * wrong and, where it helps, what to do instead. It becomes an MCP tool error ({@code isError}),
 * never a protocol error, and never carries a stack trace or a secret.
 */
final class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolFailure(String message) {
        super(message, null, false, false);
    }
}
