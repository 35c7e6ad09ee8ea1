package dev.keyroom.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real {@code nats-server} processes (Debian's package) for tests: one server or a JetStream
 * cluster with routes between its members, on free loopback ports, each with its own store
 * directory under {@code dir}. Members can be killed (SIGKILL) and restarted on the same ports and
 * directories. {@link #close} stops every process it started, so none outlives the test.
 *
 * <p>When {@code nats-server} is not installed this fails, loudly: the cluster tests must not be
 * skipped in CI ({@code ./run-tests} installs the package when it is missing).
 */
public final class NatsServers implements AutoCloseable {
    private record Member(String name, int port, int clusterPort, Path storeDir, Path log) {}

    /**
     * How clients must reach the servers: TLS with this certificate and key (PEM) and this user's
     * password, as a clustered Keyroom node requires (CL-1, TLS-3).
     */
    public record Security(Path certFile, Path keyFile, String user, String password) {}

    private final Path binary;
    private final String clusterName;
    private final List<Member> members;
    private final java.util.Optional<Security> security;
    private final Process[] processes;

    private NatsServers(Path binary, String clusterName, List<Member> members, java.util.Optional<Security> security) {
        this.binary = binary;
        this.clusterName = clusterName;
        this.members = members;
        this.security = security;
        this.processes = new Process[members.size()];
    }

    /** The installed {@code nats-server}, or an error that says how to get it. */
    public static Path binary() {
        for (String candidate :
                List.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, "nats-server");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(
                "nats-server is not installed: the cluster tests need the Debian package nats-server"
                        + " (./run-tests installs it with apt-get when it is missing)");
    }

    /** One JetStream-enabled server. */
    public static NatsServers single(Path dir) throws IOException, InterruptedException {
        return start(dir, 1, java.util.Optional.empty());
    }

    /** {@code size} JetStream-enabled servers routed to each other as one cluster. */
    public static NatsServers cluster(Path dir, int size) throws IOException, InterruptedException {
        return start(dir, size, java.util.Optional.empty());
    }

    /** As {@link #cluster}, with clients held to TLS and a user's password. */
    public static NatsServers cluster(Path dir, int size, Security security) throws IOException, InterruptedException {
        return start(dir, size, java.util.Optional.of(security));
    }

    private static NatsServers start(Path dir, int size, java.util.Optional<Security> security)
            throws IOException, InterruptedException {
        // A port can still be taken between its choice and the server's bind (by another test's
        // process): such a start is tried again on other ports, in directories of its own.
        for (int attempt = 1; ; attempt++) {
            String suffix = attempt == 1 ? "" : "-attempt-" + attempt;
            int[] ports = FreePorts.take(2 * size);
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Path store = Files.createDirectories(dir.resolve("nats-" + i + suffix));
                members.add(new Member(
                        "n" + i, ports[2 * i], ports[2 * i + 1], store, dir.resolve("nats-" + i + suffix + ".log")));
            }
            NatsServers s = new NatsServers(binary(), "keyroom-test", members, security);
            try {
                for (int i = 0; i < size; i++) {
                    s.launch(i);
                }
                for (int i = 0; i < size; i++) {
                    s.awaitListening(i);
                }
                return s;
            } catch (PortTaken e) {
                s.close();
                if (attempt == 3) {
                    throw e;
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    /** A server that could not bind one of its ports. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    private void launch(int i) throws IOException {
        Member m = members.get(i);
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                String.valueOf(m.port()),
                "-n",
                m.name(),
                "-js",
                "-sd",
                m.storeDir().toString()));
        security.ifPresent(sec -> cmd.addAll(List.of(
                "--tls",
                "--tlscert",
                sec.certFile().toString(),
                "--tlskey",
                sec.keyFile().toString(),
                "--user",
                sec.user(),
                "--pass",
                sec.password())));
        if (members.size() > 1) {
            cmd.addAll(List.of(
                    "--cluster_name",
                    clusterName,
                    "--cluster",
                    "nats://127.0.0.1:" + m.clusterPort(),
                    "--routes",
                    members.stream()
                            .filter(o -> o != m)
                            .map(o -> "nats://127.0.0.1:" + o.clusterPort())
                            .collect(Collectors.joining(","))));
        }
        processes[i] = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile()))
                .start();
    }

    private void awaitListening(int i) throws IOException, InterruptedException {
        Member m = members.get(i);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!processes[i].isAlive()) {
                processes[i].waitFor();
                String log = Files.exists(m.log()) ? Files.readString(m.log()) : "";
                String tail = log.substring(Math.max(0, log.length() - 2000));
                String message = "nats-server " + m.name() + " exited at start; its log " + m.log() + " ends:\n" + tail;
                throw log.contains("address already in use")
                        ? new PortTaken(message)
                        : new IllegalStateException(message);
            }
            try (Socket s = new Socket("127.0.0.1", m.port())) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nats-server " + m.name() + " did not listen within 15 s; see " + m.log());
                }
                Thread.sleep(25);
            }
        }
    }

    public int size() {
        return members.size();
    }

    /** The client URL of member {@code i}. */
    public String url(int i) {
        return (security.isPresent() ? "tls" : "nats") + "://127.0.0.1:"
                + members.get(i).port();
    }

    /** Every member's client URL, for a client that should fail over between them. */
    public String[] urls() {
        return java.util.stream.IntStream.range(0, members.size())
                .mapToObj(this::url)
                .toArray(String[]::new);
    }

    /** Kills member {@code i} at once (SIGKILL): no clean shutdown, as in a crash. */
    public void kill(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts member {@code i} again on its ports and store directory. */
    public void restart(int i) throws IOException, InterruptedException {
        kill(i);
        launch(i);
        awaitListening(i);
    }

    public boolean isAlive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
