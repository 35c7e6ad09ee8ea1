package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.port.Bus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What every {@link Bus} must do. */
public abstract class BusContract {
    protected abstract Bus bus() throws Exception;

    @Test
    void publish_reachesEverySubscriberOfTheSubject_inOrder_andNoOther() throws Exception {
        Bus bus = bus();
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        try (Bus.Subscription s1 = bus.subscribe("rooms.x", p -> a.add(new String(p)));
                Bus.Subscription s2 = bus.subscribe("rooms.x", p -> b.add(new String(p)));
                Bus.Subscription s3 = bus.subscribe("rooms.y", p -> other.add(new String(p)))) {
            for (int i = 0; i < 100; i++) {
                bus.publish("rooms.x", ("m" + i).getBytes());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 100 && b.size() == 100);
            assertThat(a).startsWith("m0", "m1", "m2").endsWith("m99");
            assertThat(b).isEqualTo(a);
            assertThat(other).isEmpty();
        }
    }

    @Test
    void closedSubscription_receivesNothingMore() throws Exception {
        Bus bus = bus();
        List<String> got = new CopyOnWriteArrayList<>();
        Bus.Subscription s = bus.subscribe("rooms.z", p -> got.add(new String(p)));
        bus.publish("rooms.z", "before".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        s.close();
        bus.publish("rooms.z", "after".getBytes());
        Thread.sleep(200);
        assertThat(got).containsExactly("before");
    }

    @Test
    void throwingSubscriber_doesNotStopOthers() throws Exception {
        Bus bus = bus();
        List<String> got = new CopyOnWriteArrayList<>();
        try (Bus.Subscription bad = bus.subscribe("rooms.w", p -> {
                    throw new IllegalStateException("boom");
                });
                Bus.Subscription good = bus.subscribe("rooms.w", p -> got.add(new String(p)))) {
            bus.publish("rooms.w", "x".getBytes());
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        }
    }
}
