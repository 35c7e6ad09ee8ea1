package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The TypeScript SDK against the Java SDK on the same node in the same run, for the two targets
 * set for it: signed {@code GET /v1/me} requests per second at least half the Java SDK's, and live
 * delivery to a TypeScript subscriber at least half a Java subscriber's.
 *
 * <p>One node in this JVM, over TLS with a pin (the TypeScript client's default), each identity's
 * rate limit lifted as the other load generators lift it; its admin identity is written (mode 0600)
 * to a scratch directory for the TypeScript side. Each round, in turn: the Java SDK's
 * {@code users().me()} from {@code concurrency} virtual threads for {@code seconds}; the same with
 * {@code clients/typescript/bench/bench.js --only me} as a child process; live delivery of
 * {@code messages} 1 KiB bodies with the Java SDK (a publisher of its own identity in a fresh
 * encrypted room, at most 256 publishes unacknowledged as in the TypeScript publisher, and one
 * {@code BusClient} subscriber counting the deliveries it verified and opened); the same with
 * {@code bench.js --only live}. The Java side warms up once, in this JVM, before the first round
 * (at least 5 s of requests and 1000 messages); each TypeScript child warms up before its measured
 * part (half the seconds, a fifth of the messages: {@code --warmup}, {@code --warmup-messages}), as
 * its process starts cold every time.
 *
 * <p>CPU: the node runs in this JVM, so the harness JVM's figure is the node's alone during a
 * TypeScript run and the node's plus the Java SDK's during a Java run; the TypeScript child reports
 * its own (all its threads, the publisher's worker included). Both are given as cores busy on
 * average and CPU microseconds per request or message.
 *
 * <p>Usage, from the repository root (it finds {@code clients/typescript} from the working
 * directory; {@code npm ci} there first): {@code java --enable-native-access=ALL-UNNAMED -cp
 * keyroom-bench/target/benchmarks.jar dev.keyroom.bench.ClientParity [seconds] [concurrency]
 * [rounds] [messages]}, by default 10 s, 16, 2 rounds and 5000 messages. Stops by itself.
 */
public final class ClientParity {
    static final int BODY_BYTES = 1024;
    static final double TARGET = 0.5;

    private ClientParity() {}

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int seconds = positive(arguments.integer(0, 10), "seconds");
        int concurrency = positive(arguments.integer(1, 16), "concurrency");
        int rounds = positive(arguments.integer(2, 2), "rounds");
        int messages = positive(arguments.integer(3, 5000), "messages");
        // The JVM warms up once and needs longer to compile its hot paths; each TypeScript child warms up
        // for itself before its measured part.
        int javaWarmupSeconds = Math.max(5, seconds);
        int javaWarmupMessages = Math.max(1000, messages);
        int tsWarmupSeconds = Math.max(1, seconds / 2);
        int tsWarmupMessages = Math.max(100, messages / 5);
        TypeScriptBench.Located typescript = TypeScriptBench.check();
        try (BenchNode node = BenchNode.startTls("keyroom-parity-", "")) {
            URI uri = node.server().uri();
            Path identityFile = ScratchDir.create("keyroom-parity-identity-").resolve("admin.identity");
            IdentityFile.write(identityFile, node.admin());
            Function<Identity, KeyroomClient> clientFor = id -> KeyroomClient.builder(uri, id)
                    .trust(ServerTrust.pin(node.pin()))
                    .build();
            TypeScriptBench ts = TypeScriptBench.against(typescript, uri, node.pin(), identityFile);
            System.out.printf(
                    "node %s (TLS, pin %s) in this JVM (Java %s), TypeScript on node %s; %d CPUs%n"
                            + "%d s per run, %d in flight, %d round(s), %d x %d-byte messages; warm-up: Java once"
                            + " %d s and %d messages, TypeScript in each child %d s or %d messages%n",
                    uri,
                    node.pin(),
                    Runtime.version(),
                    typescript.nodeVersion(),
                    Runtime.getRuntime().availableProcessors(),
                    seconds,
                    concurrency,
                    rounds,
                    messages,
                    BODY_BYTES,
                    javaWarmupSeconds,
                    javaWarmupMessages,
                    tsWarmupSeconds,
                    tsWarmupMessages);
            try (KeyroomClient admin = clientFor.apply(node.admin())) {
                admin.users().me();
                JavaSdkLoad.me(admin, javaWarmupSeconds, concurrency);
                JavaSdkLoad.live(admin, clientFor, javaWarmupMessages, BODY_BYTES, "parity-warm-up");
                System.out.println("Java SDK warmed up");
                double javaMe = 0;
                double tsMe = 0;
                double javaLive = 0;
                double tsLive = 0;
                for (int r = 1; r <= rounds; r++) {
                    javaMe += report(r, "Java       GET /v1/me", "req/s", JavaSdkLoad.me(admin, seconds, concurrency));
                    tsMe += report(r, "TypeScript GET /v1/me", "req/s", ts.me(seconds, concurrency, tsWarmupSeconds));
                    javaLive += report(
                            r,
                            "Java       live",
                            "msg/s",
                            JavaSdkLoad.live(admin, clientFor, messages, BODY_BYTES, "parity-live-" + r));
                    tsLive += report(r, "TypeScript live", "msg/s", ts.live(messages, BODY_BYTES, tsWarmupMessages));
                }
                target("signed GET /v1/me", "req/s", javaMe / rounds, tsMe / rounds);
                target("live delivery to one subscriber", "msg/s", javaLive / rounds, tsLive / rounds);
            }
        }
    }

    private static double report(int round, String label, String unit, Measured m) {
        System.out.printf(
                "round %d  %-22s %8.0f %s  (%s)%n         cpu: %s%n",
                round, label, m.rate(), unit, m.detail(), m.cpu());
        return m.rate();
    }

    private static void target(String what, String unit, double java, double typescript) {
        double ratio = typescript / java;
        System.out.printf(
                "TARGET %s: Java %.0f %s, TypeScript %.0f %s, ratio %.2f, %s (target >= %.1f)%n",
                what, java, unit, typescript, unit, ratio, ratio >= TARGET ? "met" : "missed", TARGET);
    }

    private static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
        return value;
    }
}
