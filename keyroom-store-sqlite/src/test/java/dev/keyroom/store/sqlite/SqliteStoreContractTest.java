package dev.keyroom.store.sqlite;

import dev.keyroom.core.port.Store;
import dev.keyroom.testkit.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store held to the contract every store must meet, on a real database file. */
class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    protected Store openStore() {
        return SqliteStore.open(dir.resolve("keyroom.db"));
    }

    @Override
    protected Store reopen(Store old) {
        old.close();
        return SqliteStore.open(dir.resolve("keyroom.db"));
    }
}
