package dev.keyroom.server;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a test's room subscription received: deliveries in order of arrival, and evictions. */
public final class Inbox implements BusClient.RoomListener {
    public final List<Delivery> got = new CopyOnWriteArrayList<>();
    public final List<String> evicted = new CopyOnWriteArrayList<>();

    @Override
    public void onDelivery(Delivery d) {
        got.add(d);
    }

    @Override
    public void onEvicted(String reason) {
        evicted.add(reason);
    }

    /** The plaintexts, in order; fails on a delivery the client rejected. */
    public List<String> texts() {
        return got.stream()
                .map(d -> new String(((Delivery.Accepted) d).plaintext(), StandardCharsets.UTF_8))
                .toList();
    }

    /** The sequences, in order. */
    public List<Long> seqs() {
        return got.stream().map(Delivery::seq).toList();
    }
}
