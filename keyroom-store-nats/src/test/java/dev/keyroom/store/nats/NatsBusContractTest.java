package dev.keyroom.store.nats;

import dev.keyroom.core.port.Bus;
import dev.keyroom.testkit.BusContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The NATS bus held to the contract every bus meets, against a real nats-server. */
class NatsBusContractTest extends BusContract {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @Override
    protected Bus bus() {
        return new NatsBus(NATS.connection);
    }
}
