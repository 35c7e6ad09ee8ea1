package dev.keyroom.bench;

import dev.keyroom.gateway.GatewayDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GatewayProcess} started by a load generator with the same {@code java} and class path,
 * and what {@code /proc} says about it: its CPU time (user and system) and its resident memory.
 */
final class GatewayChild implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final URI uri;

    private GatewayChild(Process process, BufferedReader out, Writer in, URI uri) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.uri = uri;
    }

    /** Starts the gateway of {@code dir}, with {@code jvmOptions} (space-separated, may be empty) before the class path. */
    static GatewayChild start(GatewayDir dir, List<String> grantIds, String jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        String cpus = System.getProperty("keyroom.bench.gatewayCpus", "");
        if (!cpus.isBlank()) {
            // The gateway on CPUs of its own (taskset, util-linux), when the run measures it apart from
            // its clients and upstream; the load generator is then pinned to the others by its caller.
            command.addAll(List.of("taskset", "-c", cpus.trim()));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        if (!jvmOptions.isBlank()) {
            command.addAll(Arrays.asList(jvmOptions.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                GatewayProcess.class.getName(),
                dir.root().toString(),
                String.join(",", grantIds)));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("gateway ")) {
            System.out.println("gateway process: " + line);
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the gateway process ended before it listened");
        }
        return new GatewayChild(p, out, in, URI.create(line.substring(8).trim()));
    }

    URI uri() {
        return uri;
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command and returns the answer's line. */
    String ask(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IOException("the gateway process ended");
        }
        return answer;
    }

    /** The process's CPU time so far, user and system, in nanoseconds (clock-tick resolution). */
    long cpuNanos() throws IOException {
        return ProcessCpu.nanos(process.pid());
    }

    /** The process's resident set (VmRSS) in KiB. */
    long rssKib() throws IOException {
        return status("VmRSS:");
    }

    /** The process's peak resident set so far (VmHWM) in KiB. */
    long peakRssKib() throws IOException {
        return status("VmHWM:");
    }

    private long status(String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " for " + process.pid());
    }

    /** Ends the gateway's input, so it stops (and writes any flight recording), then waits for it. */
    @Override
    public void close() throws Exception {
        try {
            in.close();
        } catch (IOException e) {
            // Already gone.
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
