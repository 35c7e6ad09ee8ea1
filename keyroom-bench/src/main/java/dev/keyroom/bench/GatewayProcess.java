package dev.keyroom.bench;

import dev.keyroom.gateway.Gateway;
import dev.keyroom.gateway.GatewayConfig;
import dev.keyroom.gateway.GatewayDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway alone in its JVM, so that {@link GatewayLoad} can read the gateway's own CPU time and
 * resident memory from {@code /proc}. Starts on an initialised data directory, waits until it honours
 * the grants named (comma-separated, when given), prints {@code gateway <uri>}, then answers commands read from
 * standard input, one a line: {@code tunnels} ({@code tunnels <open tunnels>}) and {@code heap}
 * ({@code heap <used> <committed>} in bytes, after a full collection). Stops when its input ends.
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar dev.keyroom.bench.GatewayProcess
 * <data dir> [grant ids]}.
 */
public final class GatewayProcess {
    private GatewayProcess() {}

    public static void main(String[] args) throws Exception {
        GatewayDir dir = new GatewayDir(Path.of(args[0]));
        List<String> grants = args.length > 1 ? List.of(args[1].split(",")) : List.of();
        try (Gateway gateway =
                Gateway.start(dir, GatewayConfig.load(dir.config(), GatewayConfig.File.flags(null, null, null)))) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!gateway.honouredGrants().containsAll(grants)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway does not honour grants " + grants + " after 30 s");
                }
                Thread.sleep(50);
            }
            System.out.println("gateway " + gateway.uri());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.trim()) {
                    case "tunnels" -> System.out.println("tunnels " + gateway.openTunnels());
                    case "heap" -> {
                        System.gc();
                        Runtime r = Runtime.getRuntime();
                        System.out.println("heap " + (r.totalMemory() - r.freeMemory()) + " " + r.totalMemory());
                    }
                    default -> System.out.println("unknown " + line);
                }
                System.out.flush();
            }
        }
    }
}
