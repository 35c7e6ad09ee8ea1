package dev.keyroom.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TypeScript SDK's side of {@link ClientParity}: {@code clients/typescript/bench/bench.js} run
 * with {@code node} as a child process against a node given by URL, pin and identity file. Its output
 * is passed through and its result line parsed: the rate, and the child's CPU time over the measured
 * part, which it reports itself ({@code process.cpuUsage()}: getrusage, the user and system time
 * {@code /proc/<pid>/stat} shows, at microsecond resolution). Read from {@code /proc} here instead,
 * the last sample would race the child's exit, which follows its result line at once. The harness's
 * own CPU time is sampled at the {@code measuring} line the child prints before the measured part
 * and at the result line, so both figures leave out start-up and warm-up.
 */
final class TypeScriptBench {
    static final Path DIR = Path.of("clients", "typescript");
    private static final Pattern ME = Pattern.compile("^signed GET /v1/me: (\\d+) requests/s");
    private static final Pattern LIVE =
            Pattern.compile("^live delivery to one TypeScript subscriber: (\\d+) messages/s");
    private static final Pattern CPU = Pattern.compile("process cpu (\\d+(?:\\.\\d+)?) s\\)$");

    private final Path script;
    private final List<String> target;

    private TypeScriptBench(Path script, List<String> target) {
        this.script = script;
        this.target = target;
    }

    /** Where the TypeScript SDK is, and the version of {@code node} that runs it. */
    record Located(Path dir, String nodeVersion) {}

    /**
     * Finds {@code clients/typescript} under the working directory, its installed dependencies and
     * {@code node}; fails with what to do when one is missing.
     */
    static Located check() throws InterruptedException {
        Path dir = DIR.toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("bench/bench.js"))) {
            throw new IllegalStateException("there is no " + DIR + "/bench/bench.js under "
                    + Path.of("").toAbsolutePath() + ": run ClientParity from the root of the Keyroom repository");
        }
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException(
                    DIR + "/node_modules is missing: run `npm ci` in " + DIR + " first, then ClientParity again");
        }
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("`node --version` failed: " + version);
            }
            return new Located(dir, version);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "node is not on the PATH (" + e.getMessage() + "): the TypeScript side runs with it", e);
        }
    }

    /** The bench script found by {@link #check}, driving the node at {@code server}. */
    static TypeScriptBench against(Located sdk, URI server, String pin, Path identityFile) {
        String url = server.toString().replaceAll("/$", "");
        return new TypeScriptBench(
                sdk.dir().resolve("bench/bench.js"),
                List.of("--server", url, "--pin", pin, "--identity", identityFile.toString()));
    }

    /** Signed {@code GET /v1/me} with {@code concurrency} in flight, after {@code warmup} seconds unreported. */
    Measured me(int seconds, int concurrency, int warmup) throws Exception {
        return run(
                ME,
                seconds + warmup + 120,
                "--only",
                "me",
                "--seconds",
                Integer.toString(seconds),
                "--concurrency",
                Integer.toString(concurrency),
                "--warmup",
                Integer.toString(warmup));
    }

    /** Live delivery of {@code messages} bodies of {@code size} bytes, after {@code warmupMessages} unreported. */
    Measured live(int messages, int size, int warmupMessages) throws Exception {
        return run(
                LIVE,
                600,
                "--only",
                "live",
                "--messages",
                Integer.toString(messages),
                "--size",
                Integer.toString(size),
                "--warmup-messages",
                Integer.toString(warmupMessages));
    }

    private Measured run(Pattern result, int limitSeconds, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(target);
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> {
            try {
                if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                    System.err.println("bench.js ran past " + limitSeconds + " s: stopping it");
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        Deque<String> last = new ArrayDeque<>();
        boolean measuring = false;
        long own0 = 0;
        long t0 = 0;
        Measured measured = null;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("measuring")) {
                    measuring = true;
                    own0 = ProcessCpu.ownNanos();
                    t0 = System.nanoTime();
                }
                Matcher m = result.matcher(line);
                Matcher cpu = CPU.matcher(line);
                if (m.find() && cpu.find() && measuring && measured == null) {
                    long own = ProcessCpu.ownNanos() - own0;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long child = Math.round(Double.parseDouble(cpu.group(1)) * 1e9);
                    String detail = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                    measured = new Measured(Double.parseDouble(m.group(1)), detail, seconds, own, child);
                } else {
                    System.out.println("    bench.js| " + line);
                }
                last.addLast(line);
                if (last.size() > 20) {
                    last.removeFirst();
                }
            }
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        int exit = p.exitValue();
        if (exit != 0 || measured == null) {
            throw new IllegalStateException("bench.js " + String.join(" ", options) + " "
                    + (exit != 0 ? "exited with " + exit : "printed no result") + "; its last lines:\n  "
                    + String.join("\n  ", last));
        }
        return measured;
    }
}
