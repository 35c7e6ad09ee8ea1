package dev.keyroom.bench;

import dev.keyroom.testkit.FreePorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A {@code nats-server} (no JetStream) on a free loopback port, stopped on close. */
record NatsProcess(Process process, int port) implements AutoCloseable {
    static NatsProcess start(Path dir) throws Exception {
        int port = FreePorts.one();
        String exe = Files.isExecutable(Path.of("/usr/sbin/nats-server")) ? "/usr/sbin/nats-server" : "nats-server";
        Process p = new ProcessBuilder(exe, "-a", "127.0.0.1", "-p", String.valueOf(port))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nats.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new NatsProcess(p, port);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new IllegalStateException("nats-server did not start; see " + dir.resolve("nats.log"));
                }
                Thread.sleep(50);
            }
        }
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
