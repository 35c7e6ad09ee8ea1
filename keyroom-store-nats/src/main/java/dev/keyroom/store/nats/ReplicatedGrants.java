package dev.keyroom.store.nats;

import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.grants.Grants;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.store.Change;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Grants} of the cluster (GW-2): writes through the state stream, so every node holds
 * the same grants and a revocation on one node holds on all; reads from the caught-up replica.
 */
record ReplicatedGrants(StateStream stream) implements Grants {
    @Override
    public void put(Grant grant) {
        stream.write(new Change.PutGrant(grant));
    }

    @Override
    public List<Grant> list(RoomId room) {
        stream.barrier();
        return stream.replica().grants().list(room);
    }

    @Override
    public Optional<Grant> find(RoomId room, String grantId) {
        stream.barrier();
        return stream.replica().grants().find(room, grantId);
    }

    @Override
    public boolean delete(RoomId room, String grantId) {
        return stream.write(new Change.DeleteGrant(room, grantId));
    }
}
