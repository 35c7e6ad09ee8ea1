package dev.keyroom.store.nats;

import dev.keyroom.core.port.Bus;
import dev.keyroom.testkit.BusContract;
import dev.keyroom.testkit.NatsServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The NATS bus held to the contract every bus meets, against a real nats-server. */
class NatsBusContractTest extends BusContract {
    @TempDir
    static Path dir;

    static NatsServers nats;
    static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServers.single(dir);
        connection = Nats.connect(nats.url(0));
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        nats.close();
    }

    @Override
    protected Bus bus() {
        return new NatsBus(connection);
    }
}
