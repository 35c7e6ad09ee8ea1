package dev.keyroom.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for the servers a test or a load generator starts. */
public final class FreePorts {
    /** Every port handed out in this JVM: never handed out again, though its first taker let it go. */
    private static final java.util.Set<Integer> ISSUED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** One loopback port free now (see {@link #take}). */
    public static int one() throws IOException {
        return take(1)[0];
    }

    /**
     * {@code n} distinct loopback ports free now, below the kernel's range of ephemeral ports: a
     * port from that range could be taken meanwhile as the local end of an outgoing connection, such
     * as a route one server opens to another before the last of them binds. None is handed out
     * twice in a JVM, so servers given ports by separate calls never collide.
     */
    public static int[] take(int n) throws IOException {
        int ephemeralLow = 32768;
        try {
            // Line by line: Files.readString trusts the size /proc reports and reads one character.
            ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .getFirst()
                    .trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the usual bound
        }
        int low = Math.max(10_000, ephemeralLow - 12_000);
        int high = Math.max(low + 1_000, ephemeralLow);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int tries = 0; held.size() < n; tries++) {
                if (tries > 10_000) {
                    throw new IOException("no free loopback port between " + low + " and " + high);
                }
                int port = random.nextInt(low, high);
                if (!ISSUED.add(port)) {
                    continue;
                }
                ServerSocket socket = new ServerSocket();
                try {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    held.add(socket);
                } catch (IOException taken) {
                    socket.close();
                }
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
