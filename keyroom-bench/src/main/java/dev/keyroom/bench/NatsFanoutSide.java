package dev.keyroom.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/** Plain NATS: one jnats connection per client, core publish and subscribe, no JetStream. */
final class NatsFanoutSide extends FanoutSide {
    final Connection pub;
    final List<Connection> subs = new ArrayList<>();
    final String[] subjects;

    NatsFanoutSide(String url, int rooms) throws Exception {
        super("nats", rooms);
        Options o = new Options.Builder().server(url).build();
        pub = Nats.connect(o);
        subjects = IntStream.range(0, rooms).mapToObj(r -> "bench.room." + r).toArray(String[]::new);
        for (int s = 0; s < FanoutLoad.SUBSCRIBERS; s++) {
            int me = s;
            Connection c = Nats.connect(o);
            Dispatcher d = c.createDispatcher(
                    m -> received(me, ByteBuffer.wrap(m.getData()).getInt()));
            d.setPendingLimits(-1, -1);
            for (String subject : subjects) {
                d.subscribe(subject);
            }
            c.flush(Duration.ofSeconds(5));
            subs.add(c);
        }
    }

    @Override
    void reset(int capacity) {
        super.reset(capacity);
        sentAt = new AtomicLongArray(capacity);
    }

    @Override
    void advance(int count) {
        // NATS payloads carry their index from 0 in every run.
    }

    @Override
    void send(int i) {
        byte[] p = new byte[FanoutLoad.PAYLOAD];
        ByteBuffer.wrap(p).putInt(i);
        pub.publish(subjects[i % rooms], p);
    }

    @Override
    public void close() throws Exception {
        pub.close();
        for (Connection c : subs) {
            c.close();
        }
    }
}
