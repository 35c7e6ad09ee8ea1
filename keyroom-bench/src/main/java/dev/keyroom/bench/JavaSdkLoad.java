package dev.keyroom.bench;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The Java SDK's side of {@link ClientParity}, doing what {@code clients/typescript/bench/bench.js}
 * does with the TypeScript SDK: signed {@code GET /v1/me} through {@code users().me()} with a fixed
 * number of callers, and live delivery from a publisher of its own identity, at most {@link #WINDOW}
 * publishes unacknowledged, to one subscriber that verifies and opens each message.
 */
final class JavaSdkLoad {
    /** The TypeScript publisher's window: 256 publishes awaiting their acknowledgement. */
    static final int WINDOW = 256;

    private JavaSdkLoad() {}

    /** {@code concurrency} virtual threads calling {@code client.users().me()} for {@code seconds}. */
    static Measured me(KeyroomClient client, int seconds, int concurrency) throws Exception {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        long cpu0 = ProcessCpu.ownNanos();
        long t0 = System.nanoTime();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                callers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            client.users().me();
                            ok.increment();
                        } catch (RuntimeException e) {
                            failed.increment();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                });
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu = ProcessCpu.ownNanos() - cpu0;
        String detail = String.format(
                "%d ok, %d failed, %d in flight, %.1f s%s",
                ok.sum(),
                failed.sum(),
                concurrency,
                elapsed,
                firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get());
        return new Measured(ok.sum() / elapsed, detail, elapsed, cpu, Measured.NO_CHILD);
    }

    /**
     * A fresh encrypted room of {@code admin}'s with a new member publishing {@code messages} bodies
     * of {@code size} bytes, {@code admin} subscribed; the rate is taken from the first publish (both
     * connections open) to the last delivery. {@code clientFor} makes the publisher's client.
     */
    static Measured live(
            KeyroomClient admin, Function<Identity, KeyroomClient> clientFor, int messages, int size, String name)
            throws Exception {
        RoomId room = RoomId.parse(admin.rooms().create(name).roomId());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger publishFailed = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicLong firstDelivery = new AtomicLong();
        CountDownLatch all = new CountDownLatch(messages);
        try (Identity publisher = Identity.generate(new SecureRandom())) {
            admin.users().register(publisher.signPub(), publisher.kexPub(), name + "-publisher", Role.MEMBER);
            admin.rooms().invite(room, publisher.endpoint(), RoomRole.MEMBER);
            try (BusClient subscriber = admin.connectBus();
                    KeyroomClient publisherClient = clientFor.apply(publisher);
                    BusClient bus = publisherClient.connectBus()) {
                subscriber.ready().get(10, TimeUnit.SECONDS);
                subscriber.subscribe(room, 0, d -> {
                    firstDelivery.compareAndSet(0, System.nanoTime());
                    (d instanceof Delivery.Accepted ? accepted : rejected).incrementAndGet();
                    all.countDown();
                });
                Thread.sleep(200);
                bus.ready().get(10, TimeUnit.SECONDS);
                byte[] body = new byte[size];
                Arrays.fill(body, (byte) 'a');
                Semaphore window = new Semaphore(WINDOW);
                long cpu0 = ProcessCpu.ownNanos();
                long t0 = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    window.acquire();
                    bus.publish(room, body).whenComplete((seq, error) -> {
                        if (error != null) {
                            // Never delivered: counted down here so the run ends and says so.
                            publishFailed.incrementAndGet();
                            firstFailure.compareAndSet(null, error);
                            all.countDown();
                        }
                        window.release();
                    });
                }
                if (!all.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(String.format(
                            "live delivery stalled: %d of %d delivered two minutes after the last publish"
                                    + " (%d publishes failed)",
                            accepted.get() + rejected.get(), messages, publishFailed.get()));
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long cpu = ProcessCpu.ownNanos() - cpu0;
                int delivered = accepted.get() + rejected.get();
                String detail = String.format(
                        "%d verified and opened, %d rejected, %d publishes failed, %d-byte bodies, %.1f s"
                                + " from the first publish; first delivery after %d ms%s",
                        accepted.get(),
                        rejected.get(),
                        publishFailed.get(),
                        size,
                        elapsed,
                        (firstDelivery.get() - t0) / 1_000_000,
                        firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get());
                return new Measured(delivered / elapsed, detail, elapsed, cpu, Measured.NO_CHILD);
            }
        }
    }
}
