package dev.keyroom.testkit;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.auth.NonceStore;

/** The single-node nonce store held to the contract every nonce store must meet. */
class InMemoryNonceStoreContractTest extends NonceStoreContract {
    @Override
    protected NonceStore newStore() {
        return new InMemoryNonceStore(10_000);
    }
}
