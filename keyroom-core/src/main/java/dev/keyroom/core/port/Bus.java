package dev.keyroom.core.port;

import java.util.function.Consumer;

/**
 * Fan-out of events between the parts of one node or the nodes of a cluster: room messages and
 * control events (member removed, rekeyed, user revoked) that live sessions must act on.
 *
 * <p>Guarantees: a published event reaches every subscription to its subject that existed when it
 * was published, at most once per subscription, in publication order per publisher. Delivery is
 * not durable; durable history lives in the {@code Store}.
 *
 * <p>Lifecycle: subscriptions end when closed. Errors: {@link #publish} raises {@link
 * dev.keyroom.core.error.KeyroomException} when the event could not be handed to the transport.
 */
public interface Bus {

    void publish(String subject, byte[] payload);

    Subscription subscribe(String subject, Consumer<byte[]> handler);

    /** A live subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
