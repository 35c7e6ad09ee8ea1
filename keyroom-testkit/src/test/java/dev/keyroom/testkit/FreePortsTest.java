package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ports tests start servers on: distinct, bindable, below the ephemeral range (where an
 * outgoing connection could take one between its choice and the server's bind), never twice.
 */
class FreePortsTest {
    @Test
    void portsAreDistinct_bindable_belowTheEphemeralRange_andNeverHandedOutTwice() throws Exception {
        int ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .getFirst()
                .trim()
                .split("\\s+")[0]);
        Set<Integer> seen = new HashSet<>();
        for (int round = 0; round < 50; round++) {
            int[] ports = FreePorts.take(4);
            assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(4);
            for (int port : ports) {
                assertThat(port).isLessThan(ephemeralLow).isGreaterThanOrEqualTo(10_000);
                assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[0]));
            }
        }
        assertThat(seen.add(FreePorts.one())).isTrue();
    }
}
