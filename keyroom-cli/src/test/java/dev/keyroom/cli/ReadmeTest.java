package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is the script: its shell blocks run in order, in one bash, on a fresh directory, and
 * the test fails when one command does. The rules (which blocks, the markers) are in the README's
 * own "Checking this file".
 */
class ReadmeTest {
    static final Path README = Path.of("..", "README.md");
    private static final Pattern FENCE = Pattern.compile("^```([A-Za-z]*)\\s*$");
    private static final Pattern BACKGROUND = Pattern.compile("^<!-- readme-test: background until \"([^\"]+)\" -->$");
    private static final Pattern NOT_RUNNABLE = Pattern.compile("^<!-- readme-test: not-runnable \\(.+\\) -->$");

    @TempDir
    Path dir;

    /** A shell block of the README, and what its marker says. */
    record Block(int line, String code, boolean background, String readyWhen) {}

    static List<Block> blocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String lang = open.group(1);
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            String marker = start > 0 ? lines.get(start - 1) : "";
            boolean shell = List.of("", "sh", "bash", "shell").contains(lang);
            if (!shell || NOT_RUNNABLE.matcher(marker).matches()) {
                continue;
            }
            Matcher bg = BACKGROUND.matcher(marker);
            if (!bg.matches()) {
                assertThat(marker)
                        .as("an unknown readme-test marker at line " + start)
                        .doesNotStartWith("<!-- readme-test");
            }
            blocks.add(new Block(start + 1, code.toString(), bg.matches(), bg.matches() ? bg.group(1) : null));
        }
        return blocks;
    }

    @Test
    @Timeout(900)
    void everyShellBlock_runsInOrder_onAFreshDirectory() throws Exception {
        List<Block> blocks = blocks(Files.readAllLines(README));
        assertThat(blocks).hasSizeGreaterThan(8);
        Files.copy(README, dir.resolve("README.md"));
        // The README's sections on the TypeScript SDK and the MCP client use the repository's clients.
        Files.createSymbolicLink(
                dir.resolve("clients"),
                Path.of("..", "clients").toAbsolutePath().normalize());
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path keyroom = dir.resolve("keyroom");
        Files.writeString(
                keyroom,
                "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                        + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(keyroom, PosixFilePermissions.fromString("rwx------"));

        StringBuilder script = new StringBuilder("set -euo pipefail\n")
                .append("trap 'kill $(jobs -p) 2>/dev/null || true; wait || true' EXIT\n")
                .append("PS4='+ README: '\nset -x\n");
        int n = 0;
        for (Block b : blocks) {
            script.append("# README line ").append(b.line()).append('\n');
            if (b.background()) {
                String log = "background-" + (++n) + ".log";
                script.append("( ").append(b.code()).append(") > ").append(log).append(" 2>&1 &\n");
                script.append("for i in $(seq 1 240); do grep -q '")
                        .append(b.readyWhen())
                        .append("' ")
                        .append(log)
                        .append(" && break; sleep 0.5; done\n");
                script.append("grep -q '")
                        .append(b.readyWhen())
                        .append("' ")
                        .append(log)
                        .append(" || { cat ")
                        .append(log)
                        .append("; exit 1; }\n");
            } else {
                script.append(b.code());
            }
        }
        String text = script.toString()
                .replace("127.0.0.1:8443", "127.0.0.1:" + freePort())
                .replace("127.0.0.1:8480", "127.0.0.1:" + freePort());
        Path file = dir.resolve("readme.sh");
        Files.writeString(file, text);

        ProcessBuilder pb = new ProcessBuilder("bash", file.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("readme.out").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KEYROOM_"));
        env.put("HOME", dir.toString());
        env.put("XDG_CONFIG_HOME", dir.resolve(".config").toString());
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(840, TimeUnit.SECONDS);
            String out = Files.readString(dir.resolve("readme.out"), StandardCharsets.UTF_8);
            assertThat(ended).as("the README's commands did not end:\n" + out).isTrue();
            assertThat(p.exitValue())
                    .as("a README command failed (the last '+ README:' line):\n" + out)
                    .isZero();
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
