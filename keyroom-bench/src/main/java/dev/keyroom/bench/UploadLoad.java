package dev.keyroom.bench;

import dev.keyroom.client.ServerTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;

/**
 * DOS-2/DOS-5 target: 40 concurrent signed 16 MiB uploads, each by its own identity from its own
 * loopback address, against a real {@code keyroom server} process with its default 128 MiB budget.
 * Samples the server's resident memory (VmRSS) throughout and reports the peak growth over its idle
 * size, and how many uploads were admitted and shed. An admitted upload is read whole, then
 * answered 404 (the room does not exist for its uploader): the body is what costs memory.
 *
 * <p>Usage: {@code java -cp keyroom-bench/target/benchmarks.jar dev.keyroom.bench.UploadLoad
 * keyroom-cli/target/keyroom.jar [rounds]}. Stops by itself.
 */
public final class UploadLoad {
    static final int MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        Path jar = Path.of(arguments.text(0, "keyroom-cli/target/keyroom.jar"));
        int rounds = arguments.integer(1, 3);
        Path data = ScratchDir.create("keyroom-upload-");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        jar.toString(),
                        "server",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String pin = null;
            URI uri = null;
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("tls pin ")) {
                    pin = line.substring(8);
                } else if (line.startsWith("listening on ")) {
                    uri = URI.create(line.substring(13));
                    break;
                }
            }
            SSLSocketFactory tls = ServerTrust.pin(pin).sslContext().getSocketFactory();
            List<dev.keyroom.core.identity.Identity> uploaders = new ArrayList<>();
            SecureRandom random = new SecureRandom();
            try (dev.keyroom.core.identity.Identity admin =
                            dev.keyroom.protocol.IdentityFile.read(data.resolve("admin.identity"));
                    dev.keyroom.client.KeyroomClient client = dev.keyroom.client.KeyroomClient.builder(uri, admin)
                            .trust(ServerTrust.pin(pin))
                            .build()) {
                for (int i = 0; i < CLIENTS; i++) {
                    dev.keyroom.core.identity.Identity id = dev.keyroom.core.identity.Identity.generate(random);
                    client.users()
                            .register(id.signPub(), id.kexPub(), "uploader" + i, dev.keyroom.core.identity.Role.MEMBER);
                    uploaders.add(id);
                }
            }
            byte[] digest = dev.keyroom.core.crypto.Digests.sha256(new byte[16 * MIB]);
            Thread.sleep(2000);
            long idle = rss(server.pid());
            System.out.printf("server idle resident memory: %d MiB%n", idle / MIB);
            for (int round = 1; round <= rounds; round++) {
                AtomicLong peak = new AtomicLong(idle);
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = Thread.ofPlatform().start(() -> {
                    while (sampling.get()) {
                        try {
                            peak.accumulateAndGet(rss(server.pid()), Math::max);
                            Thread.sleep(20);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                int[] counts = run(tls, uri, uploaders, digest, random);
                sampling.set(false);
                sampler.join();
                System.out.printf(
                        "round %d: %d admitted (404 after streaming 16 MiB), %d shed with 503, %d other;"
                                + " peak resident growth %d MiB%n",
                        round, counts[0], counts[1], counts[2], (peak.get() - idle) / MIB);
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static final int CLIENTS = 40;

    static int[] run(
            SSLSocketFactory tls,
            URI uri,
            List<dev.keyroom.core.identity.Identity> uploaders,
            byte[] digest,
            SecureRandom random)
            throws Exception {
        String path = "/v1/rooms/" + "a".repeat(32) + "/blobs/" + "b".repeat(64);
        int clients = uploaders.size();
        CountDownLatch started = new CountDownLatch(clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String source = "127.0.4." + (i + 1);
            StringBuilder head = new StringBuilder("PUT " + path + " HTTP/1.1\r\nHost: " + uri.getRawAuthority()
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (16 * MIB)
                    + "\r\nConnection: close\r\n");
            new dev.keyroom.protocol.signature.RequestSigner(
                            uploaders.get(i), dev.keyroom.core.port.Clock.system(), random)
                    .signDigest("PUT", uri.resolve(path), true, digest)
                    .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            fs.add(pool.submit(() -> {
                try (Socket s = tls.createSocket(uri.getHost(), uri.getPort(), InetAddress.getByName(source), 0)) {
                    OutputStream o = s.getOutputStream();
                    byte[] mib = new byte[MIB];
                    try {
                        o.write(headBytes);
                        o.write(mib);
                    } catch (IOException shed) {
                        // answered 503 and closed before the body went out
                    } finally {
                        started.countDown();
                    }
                    started.await(30, TimeUnit.SECONDS);
                    try {
                        for (int k = 1; k < 16; k++) {
                            o.write(mib);
                        }
                        o.flush();
                    } catch (IOException shed) {
                        // as above
                    }
                    InputStream in = s.getInputStream();
                    String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
                    return Integer.parseInt(status.substring(9, 12));
                }
            }));
        }
        int[] counts = new int[3];
        for (Future<Integer> f : fs) {
            int status = f.get(120, TimeUnit.SECONDS);
            counts[status == 404 ? 0 : status == 503 ? 1 : 2]++;
        }
        pool.shutdown();
        return counts;
    }

    static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
