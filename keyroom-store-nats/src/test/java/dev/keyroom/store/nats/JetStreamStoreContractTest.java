package dev.keyroom.store.nats;

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
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JetStream store held to the contract of every port, against one real nats-server: each test
 * starts from an empty state stream; a reopened store rebuilds its replica from the stream in a new
 * directory, as a restarted node does.
 */
class JetStreamStoreContractTest implements StoreContract.Stores {
    @RegisterExtension
    static final OneNatsServer NATS = new OneNatsServer();

    @TempDir
    Path dir;

    private int opened;
    private boolean recording;

    @Override
    public Store open(boolean recordChanges) throws Exception {
        NATS.reset();
        recording = recordChanges;
        return open();
    }

    private Store open() {
        return JetStreamStore.open(
                NATS.connection,
                1,
                dir.resolve("replica-" + ++opened),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                JetStreamStore.DEFAULT_SNAPSHOT_EVERY,
                recording);
    }

    @Override
    public Store reopen(Store old) {
        old.close();
        return open();
    }

    @Nested
    class Users extends UsersContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class Rooms extends RoomsContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class Messages extends MessagesContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class Secrets extends SecretsContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class Bans extends BansContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class Grants extends GrantsContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class SiteLog extends SiteLogContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }

    @Nested
    class RoomCensus extends RoomCensusContract {
        @Override
        protected Stores stores() {
            return JetStreamStoreContractTest.this;
        }
    }
}
