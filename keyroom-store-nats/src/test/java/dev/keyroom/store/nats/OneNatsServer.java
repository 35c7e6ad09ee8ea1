package dev.keyroom.store.nats;

import dev.keyroom.testkit.NatsServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real nats-server and a connection to it for a test class and its {@code @Nested} classes;
 * registered with {@code @RegisterExtension}.
 */
final class OneNatsServer implements BeforeAllCallback, AfterAllCallback {
    Path dir;
    NatsServers nats;
    Connection connection;
    /** Containers (the class, its nested classes) running now: the server outlives the outermost one's start. */
    private int depth;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (depth++ > 0) {
            return;
        }
        dir = Files.createTempDirectory("keyroom-nats-test-");
        nats = NatsServers.single(dir.resolve("nats"));
        connection = Nats.connect(new Options.Builder()
                .server(nats.url(0))
                .connectionTimeout(Duration.ofSeconds(2))
                .build());
    }

    /** Deletes every stream (and so every bucket) on the server: the next store starts empty. */
    void reset() throws Exception {
        var jsm = connection.jetStreamManagement();
        for (String stream : jsm.getStreamNames()) {
            jsm.deleteStream(stream);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (--depth > 0) {
            return;
        }
        connection.close();
        nats.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
