package dev.keyroom.store.sqlite;

import dev.keyroom.core.port.Bus;
import dev.keyroom.testkit.BusContract;

class InProcessBusContractTest extends BusContract {
    @Override
    protected Bus bus() {
        return new InProcessBus();
    }
}
