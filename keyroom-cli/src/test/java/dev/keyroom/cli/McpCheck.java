package dev.keyroom.cli;

import dev.keyroom.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code clients/mcp-check/check.mjs} on a real node.js: the official TypeScript MCP client
 * spawns a {@code keyroom mcp} process, lists its tools and calls them. Fails loudly, never skips,
 * when node or the client's {@code node_modules} are missing.
 */
final class McpCheck {
    static final Path DIR =
            Path.of("..", "clients", "mcp-check").toAbsolutePath().normalize();

    /** What the client printed (parsed), its raw standard output, and the standard error of both processes. */
    record Ran(JsonNode out, String raw, String err) {
        /** The result of the {@code i}-th call. */
        JsonNode call(int i) {
            return out.path("calls").path(i);
        }
    }

    private McpCheck() {}

    /**
     * Calls {@code calls} (a JSON array of {@code {"tool","arguments"}}) on the server that
     * {@code server} starts; {@code onErrLine} sees each line of standard error as it comes.
     */
    static Ran run(Path tmp, String calls, List<String> server, Consumer<String> onErrLine) throws Exception {
        if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            throw new AssertionError("the TypeScript MCP client is not installed in " + DIR
                    + ": run 'npm ci' there (./run-tests does it before the build)");
        }
        Path file = Files.createTempFile(tmp, "calls", ".json");
        Files.writeString(file, calls);
        List<String> command =
                new ArrayList<>(List.of("node", DIR.resolve("check.mjs").toString(), file.toString(), "--"));
        command.addAll(server);
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new AssertionError(
                    "node is not installed (or not on PATH); the MCP check needs node.js 18 or later", e);
        }
        p.getOutputStream().close();
        // A thread of its own: the common pool may have a single worker, which this would block.
        FutureTask<String> out =
                new FutureTask<>(() -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Thread.ofPlatform().name("mcp-check-stdout").start(out);
        StringBuilder err = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                err.append(line).append('\n');
                onErrLine.accept(line);
            }
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the MCP check did not end; its standard error:\n" + err);
        }
        String raw = out.get(30, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            throw new AssertionError("the MCP check exited " + p.exitValue() + "; its standard error:\n" + err);
        }
        return new Ran(Json.mapper().readTree(raw), raw, err.toString());
    }
}
