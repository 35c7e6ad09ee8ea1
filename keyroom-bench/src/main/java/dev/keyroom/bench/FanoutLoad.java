package dev.keyroom.bench;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.server.KeyroomServer;

/**
 * Fan-out load: 1 KiB messages from one publisher to ten subscribers, in one room and spread over
 * 100 rooms, through a Keyroom node's data plane and through a plain local {@code nats-server}
 * with jnats clients, in the same run. Keyroom messages are real envelopes (encrypted and signed
 * by the publisher ahead of the run, so that the client's signing does not compete with the
 * server); the server verifies, sequences, stores durably and fans out each one. Subscribers count
 * frames and take the latency from the publisher's send time; they do not decrypt.
 *
 * <p>Two measurements per system: throughput (the publisher stays at most {@code WINDOW} messages
 * ahead of the slowest subscriber, the same rule for both), and latency at a fixed rate of 100k
 * deliveries a second (10k publishes a second to 10 subscribers).
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.FanoutLoad [messages per throughput run] [seconds of the latency run]
 * [rounds]}. Starts and stops its own servers on loopback.
 *
 * <p>The two systems are {@link KeyroomFanoutSide} and {@link NatsFanoutSide} (on a {@link
 * NatsProcess}), each a {@link FanoutSide}; {@link FanoutMeasurement} drives a run and reports it.
 */
public final class FanoutLoad {
    static final int SUBSCRIBERS = 10;
    static final int PAYLOAD = 1024;
    static final int WINDOW = 2000;
    static final int LATENCY_PUBLISHES_PER_SECOND = 10_000;

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int messages = arguments.integer(0, 100_000);
        int latencySeconds = arguments.integer(1, 5);
        int rounds = arguments.integer(2, 2);
        try (NatsProcess nats = NatsProcess.start(ScratchDir.create("keyroom-fanout-nats-"));
                BenchNode node = BenchNode.start(
                        "keyroom-fanout-", "bus: {max_subscriptions: 128, max_queued_frames: 65536}\n")) {
            KeyroomServer keyroom = node.server();
            Identity admin = node.admin();
            for (int roomCount : new int[] {1, 100}) {
                KeyroomFanoutSide k = KeyroomFanoutSide.setUp(keyroom.uri(), admin, roomCount);
                NatsFanoutSide n = new NatsFanoutSide(nats.url(), roomCount);
                int latencyMessages = latencySeconds * LATENCY_PUBLISHES_PER_SECOND;
                int total = messages / 5 + rounds * messages + latencyMessages;
                long t0 = System.nanoTime();
                k.prepare(total);
                System.out.printf(
                        "%d room(s): %d envelopes sealed and signed in %.1f s%n",
                        roomCount, total, (System.nanoTime() - t0) / 1e9);
                FanoutMeasurement.throughput(k, messages / 5, "warm-up");
                FanoutMeasurement.throughput(n, messages / 5, "warm-up");
                double kr = 0;
                double nr = 0;
                for (int r = 0; r < rounds; r++) {
                    kr += FanoutMeasurement.throughput(k, messages, "round " + (r + 1))
                            .deliveriesPerSecond();
                    nr += FanoutMeasurement.throughput(n, messages, "round " + (r + 1))
                            .deliveriesPerSecond();
                }
                FanoutMeasurement.Result kl = FanoutMeasurement.paced(k, latencyMessages);
                FanoutMeasurement.Result nl = FanoutMeasurement.paced(n, latencyMessages);
                System.out.printf(
                        "RESULT %d room(s): keyroom %.0f deliveries/s, nats %.0f deliveries/s, ratio %.2f;"
                                + " at 100k deliveries/s: keyroom p50 %.2f ms p99 %.2f ms, nats p50 %.2f ms p99 %.2f ms%n",
                        roomCount, kr / rounds, nr / rounds, kr / nr, kl.p50(), kl.p99(), nl.p50(), nl.p99());
                k.close();
                n.close();
            }
        }
    }
}
