package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rooms, their members, their sealed epoch keys and their retention (AZ-1, AZ-2, AZ-7). The
 * guarantees and errors of {@code Store} hold.
 */
public interface Rooms {
    /**
     * Creates a room with its owner as first member and, for encrypted rooms, the owner's sealed
     * key of epoch 1. CONFLICT if the room id exists.
     */
    void create(Room room, Member owner, Optional<byte[]> ownerSealedKey);

    Optional<Room> find(RoomId room);

    Optional<Member> findMember(RoomId room, EndpointId endpoint);

    /** Members ordered by join time then endpoint. */
    List<Member> members(RoomId room);

    /**
     * Adds a member with its sealed key for {@code epoch}. CONFLICT if it is a member already, if
     * {@code epoch} is not the room's current epoch, or if the room requires a rekey.
     */
    void addMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey);

    /**
     * Removes a member that leaves of its own accord and marks the room as requiring a rekey; false
     * when it was not a member.
     */
    boolean removeMember(RoomId room, EndpointId endpoint);

    /**
     * Atomically moves the room from {@code fromEpoch} to the next epoch, removing {@code remove}
     * and storing one sealed key for each member who remains. Nothing changes unless the outcome is
     * {@link RekeyOutcome.Rekeyed}. For cleartext rooms {@code sealedKeys} must be empty.
     */
    RekeyOutcome rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys);

    Optional<byte[]> sealedKey(RoomId room, long epoch, EndpointId endpoint);

    /** The rooms {@code endpoint} is a member of, ordered by room creation. */
    List<Membership> roomsOf(EndpointId endpoint);

    /** The room's own retention (empty parts: the server's default); NOT_FOUND without the room. */
    RetentionSetting retention(RoomId room);

    /**
     * Replaces the room's own retention and at once drops the messages {@code effective} (the
     * setting resolved against the server's default) no longer keeps at {@code now}, and the secret
     * versions beyond the last {@code secretVersions} of each name; NOT_FOUND without the room.
     */
    void setRetention(RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now);
}
