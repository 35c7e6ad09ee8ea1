package dev.keyroom.store.sqlite;

import dev.keyroom.core.port.Bus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link Bus}: handlers are called on the publishing thread, in subscription
 * order. A handler that throws is logged and does not stop delivery to the others; handlers that
 * may block must hand off to their own queue (the data plane's per-connection queues do).
 */
public final class InProcessBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(InProcessBus.class);
    private final Map<String, List<Consumer<byte[]>>> subjects = new ConcurrentHashMap<>();

    @Override
    public void publish(String subject, byte[] payload) {
        List<Consumer<byte[]>> handlers = subjects.get(subject);
        if (handlers == null) {
            return;
        }
        for (Consumer<byte[]> h : handlers) {
            try {
                h.accept(payload.clone());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("subject", subject).setCause(e).log("a bus handler failed");
            }
        }
    }

    @Override
    public Subscription subscribe(String subject, Consumer<byte[]> handler) {
        subjects.computeIfAbsent(subject, s -> new CopyOnWriteArrayList<>()).add(handler);
        return () -> subjects.computeIfPresent(subject, (s, list) -> {
            list.remove(handler);
            return list.isEmpty() ? null : list;
        });
    }
}
