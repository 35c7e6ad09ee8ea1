package dev.keyroom.testkit;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.store.Store;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture every port's contract runs on ({@code UsersContract}, {@code RoomsContract}, ...):
 * a fresh, empty store from {@link #openStore()} holding three users, an owner, a member and an
 * agent; {@link #reopen(Store)} closes a store and opens the same data again. A store
 * implementation extends each contract (JUnit's {@code @Nested} classes keep one server per
 * implementation).
 */
public abstract class StoreContract {
    /** How an implementation's test opens its store for every contract. */
    public interface Stores {
        /** A fresh, empty store; with {@code recordChanges}, one whose writes enter the change feed (a primary with a backup). */
        Store open(boolean recordChanges) throws Exception;

        /** Closes {@code old} and opens the same data again, as after a restart. */
        Store reopen(Store old) throws Exception;
    }

    /** The implementation under test. */
    protected abstract Stores stores();

    protected Store openStore(boolean recordChanges) throws Exception {
        return stores().open(recordChanges);
    }

    protected Store openStore() throws Exception {
        return openStore(false);
    }

    protected Store reopen(Store store) throws Exception {
        return stores().reopen(store);
    }

    protected Store store;
    protected User owner;
    protected User alice;
    protected User bob;

    @BeforeEach
    void openAndSeed() throws Exception {
        store = openStore();
        owner = Fixtures.user("owner", Role.MEMBER);
        alice = Fixtures.user("alice", Role.MEMBER);
        bob = Fixtures.user("bob", Role.AGENT);
        store.users().create(owner);
        store.users().create(alice);
        store.users().create(bob);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected Room newRoom() {
        Room room = Fixtures.room(owner.endpoint());
        store.rooms().create(room, Fixtures.member(owner.endpoint(), RoomRole.OWNER), Optional.of(new byte[] {1, 1}));
        return room;
    }

    protected static void assertCode(ThrowingCallable r, ErrorCode code) {
        Fixtures.assertCode(r, code);
    }
}
