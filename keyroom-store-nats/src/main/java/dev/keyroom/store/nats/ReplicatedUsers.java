package dev.keyroom.store.nats;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.store.Change;
import java.util.List;
import java.util.Optional;

/** {@link Users} of the cluster: writes through the state stream, reads from the caught-up replica. */
record ReplicatedUsers(StateStream stream) implements Users {
    private Users replica() {
        stream.barrier();
        return stream.replica().users();
    }

    @Override
    public void create(User user) {
        stream.write(new Change.CreateUser(user));
    }

    @Override
    public Optional<User> find(EndpointId endpoint) {
        return replica().find(endpoint);
    }

    @Override
    public List<User> list() {
        return replica().list();
    }

    @Override
    public boolean setStatus(EndpointId endpoint, UserStatus status) {
        return stream.write(new Change.SetUserStatus(endpoint, status));
    }
}
