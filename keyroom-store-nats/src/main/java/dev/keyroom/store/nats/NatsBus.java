package dev.keyroom.store.nats;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Bus;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link Bus}: core NATS subjects, so an event published on one node reaches the
 * subscriptions of every node. All subscriptions of this node share one dispatcher thread, in
 * publication order per publisher; handlers must hand off anything slow (the data plane's
 * per-connection queues do). A handler that throws is logged and does not stop the others.
 * Delivery is at most once, as the port says; durable history lives in the store.
 */
public final class NatsBus implements Bus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsBus.class);
    private final Connection nats;
    private final Dispatcher dispatcher;

    public NatsBus(Connection nats) {
        this.nats = nats;
        this.dispatcher = nats.createDispatcher();
    }

    @Override
    public void publish(String subject, byte[] payload) {
        try {
            nats.publish(subject, payload);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new KeyroomException(ErrorCode.OVERLOADED, "the bus cannot take the event", e);
        }
    }

    @Override
    public Subscription subscribe(String subject, Consumer<byte[]> handler) {
        io.nats.client.Subscription s = dispatcher.subscribe(subject, msg -> {
            try {
                handler.accept(msg.getData());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("subject", subject).setCause(e).log("a bus handler failed");
            }
        });
        return () -> {
            if (dispatcher.isActive()) {
                dispatcher.unsubscribe(s);
            }
        };
    }

    @Override
    public void close() {
        nats.closeDispatcher(dispatcher);
    }
}
