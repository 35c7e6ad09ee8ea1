package dev.keyroom.store.sqlite;

import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.testkit.Fixtures;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SqliteCrashTest}: registers users as fast as it can and prints the
 * endpoint of each one after {@code createUser} returned, i.e. once the write is acknowledged.
 */
public final class CrashWriter {
    public static void main(String[] args) {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        for (int i = 0; ; i++) {
            User u = Fixtures.user("crash-" + i, Role.AGENT);
            store.users().create(u);
            System.out.println("acked " + u.endpoint().value());
            System.out.flush();
        }
    }
}
