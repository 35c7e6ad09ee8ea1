package dev.keyroom.store.sqlite;

import dev.keyroom.core.store.Store;
import dev.keyroom.testkit.BansContract;
import dev.keyroom.testkit.GrantsContract;
import dev.keyroom.testkit.MessagesContract;
import dev.keyroom.testkit.RoomCensusContract;
import dev.keyroom.testkit.RoomsContract;
import dev.keyroom.testkit.SecretsContract;
import dev.keyroom.testkit.SiteLogContract;
import dev.keyroom.testkit.StoreContract;
import dev.keyroom.testkit.UsersContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store held to the contract of every port, on a real database file. */
class SqliteStoreContractTest implements StoreContract.Stores {
    @TempDir
    Path dir;

    @Override
    public Store open(boolean recordChanges) {
        return SqliteStore.open(dir.resolve("keyroom.db"), recordChanges);
    }

    @Override
    public Store reopen(Store old) {
        old.close();
        return SqliteStore.open(dir.resolve("keyroom.db"));
    }

    @Nested
    class Users extends UsersContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class Rooms extends RoomsContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class Messages extends MessagesContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class Secrets extends SecretsContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class Bans extends BansContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class Grants extends GrantsContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class SiteLog extends SiteLogContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }

    @Nested
    class RoomCensus extends RoomCensusContract {
        @Override
        protected Stores stores() {
            return SqliteStoreContractTest.this;
        }
    }
}
