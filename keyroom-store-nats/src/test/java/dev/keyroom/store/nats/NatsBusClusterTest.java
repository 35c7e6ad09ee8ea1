package dev.keyroom.store.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.port.Bus;
import dev.keyroom.testkit.NatsServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An event published through one NATS server reaches a subscription made through another, in order. */
@Timeout(60)
class NatsBusClusterTest {
    @TempDir
    Path dir;

    @Test
    void anEventPublishedOnOneNode_reachesSubscribersOnAnother_inOrder() throws Exception {
        try (NatsServers nats = NatsServers.cluster(dir, 3);
                Connection a = Nats.connect(nats.url(0));
                Connection b = Nats.connect(nats.url(2));
                NatsBus onA = new NatsBus(a);
                NatsBus onB = new NatsBus(b)) {
            List<String> got = new CopyOnWriteArrayList<>();
            try (Bus.Subscription s = onB.subscribe("rooms.r1.messages", p -> got.add(new String(p)))) {
                b.flush(Duration.ofSeconds(5));
                // Interest crosses the routes asynchronously; publish until it has arrived.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    onA.publish("rooms.r1.messages", "probe".getBytes());
                    a.flush(Duration.ofSeconds(1));
                    return !got.isEmpty();
                });
                got.clear();
                for (int i = 0; i < 200; i++) {
                    onA.publish("rooms.r1.messages", ("m" + i).getBytes());
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                got.stream().filter(x -> !x.equals("probe")).count() >= 200);
                assertThat(got.stream().filter(x -> !x.equals("probe")).toList())
                        .startsWith("m0", "m1")
                        .endsWith("m199")
                        .hasSize(200);
            }
        }
    }
}
