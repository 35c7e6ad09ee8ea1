package dev.keyroom.store.nats;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.core.store.Change;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link Rooms} of the cluster: writes through the state stream, reads from the caught-up replica. */
record ReplicatedRooms(StateStream stream) implements Rooms {
    private Rooms replica() {
        stream.barrier();
        return stream.replica().rooms();
    }

    @Override
    public void create(Room room, Member owner, Optional<byte[]> ownerSealedKey) {
        stream.write(new Change.CreateRoom(room, owner, ownerSealedKey));
    }

    @Override
    public Optional<Room> find(RoomId room) {
        return replica().find(room);
    }

    @Override
    public Optional<Member> findMember(RoomId room, EndpointId endpoint) {
        return replica().findMember(room, endpoint);
    }

    @Override
    public List<Member> members(RoomId room) {
        return replica().members(room);
    }

    @Override
    public void addMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey) {
        stream.write(new Change.AddMember(room, member, epoch, sealedKey));
    }

    @Override
    public boolean removeMember(RoomId room, EndpointId endpoint) {
        return stream.write(new Change.RemoveMember(room, endpoint));
    }

    @Override
    public RekeyOutcome rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys) {
        return stream.write(new Change.Rekey(room, fromEpoch, remove, sealedKeys));
    }

    @Override
    public Optional<byte[]> sealedKey(RoomId room, long epoch, EndpointId endpoint) {
        return replica().sealedKey(room, epoch, endpoint);
    }

    @Override
    public List<Membership> roomsOf(EndpointId endpoint) {
        return replica().roomsOf(endpoint);
    }

    @Override
    public RetentionSetting retention(RoomId room) {
        return replica().retention(room);
    }

    @Override
    public void setRetention(
            RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now) {
        stream.write(new Change.SetRetention(room, setting, effective, secretVersions, now));
    }
}
