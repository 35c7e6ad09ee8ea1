package dev.keyroom.store.sqlite;

import dev.keyroom.core.store.Store;
import dev.keyroom.testkit.BansContract;
import dev.keyroom.testkit.MessagesContract;
import dev.keyroom.testkit.RoomsContract;
import dev.keyroom.testkit.SecretsContract;
import dev.keyroom.testkit.SiteLogContract;
import dev.keyroom.testkit.UsersContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store held to the contract of every port, on a real database file. */
class SqliteStoreContractTest {
    @TempDir
    Path dir;

    Store open(boolean recordChanges) {
        return SqliteStore.open(dir.resolve("keyroom.db"), recordChanges);
    }

    Store reopenStore(Store old) {
        old.close();
        return SqliteStore.open(dir.resolve("keyroom.db"));
    }

    @Nested
    class Users extends UsersContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }

    @Nested
    class Rooms extends RoomsContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }

    @Nested
    class Messages extends MessagesContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }

    @Nested
    class Secrets extends SecretsContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }

    @Nested
    class Bans extends BansContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }

    @Nested
    class SiteLog extends SiteLogContract {
        @Override
        protected Store openStore(boolean recordChanges) {
            return open(recordChanges);
        }

        @Override
        protected Store reopen(Store old) {
            return reopenStore(old);
        }
    }
}
