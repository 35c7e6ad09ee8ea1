package dev.keyroom.core.rooms;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.port.Clock;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every room operation with its authorization rules. A caller that is not a member learns nothing:
 * it gets the same {@code not_found} as for a room that does not exist (AZ-1).
 */
public final class RoomService {
    private final Rooms store;
    private final Users users;
    private final Clock clock;
    private final SecureRandom random;
    private final RoomRules rules;
    private final RoomEvents events;

    /** Told about membership changes that live sessions must act on at once (AZ-7). */
    public interface RoomEvents {
        void membersRemoved(RoomId room, Set<EndpointId> removed, long newEpoch);
    }

    /** Sealed keys are wrapped under it at rest (SEC-2). */
    private final java.util.function.Supplier<dev.keyroom.core.crypto.Keyring> keyring;

    private byte[] wrap(RoomId room, long epoch, EndpointId member, byte[] sealed) {
        return dev.keyroom.core.rooms.AtRestKeys.wrap(keyring.get(), room, epoch, member, sealed, random);
    }

    public RoomService(
            Rooms store,
            Users users,
            Clock clock,
            SecureRandom random,
            RoomRules rules,
            RoomEvents events,
            java.util.function.Supplier<dev.keyroom.core.crypto.Keyring> keyring) {
        this.keyring = keyring;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.random = random;
        this.rules = rules;
        this.events = events;
    }

    /**
     * Creates a room owned by the caller. {@code proposedId} lets a client bind the room id into the
     * owner's sealed key before the room exists; the server makes one up otherwise.
     */
    public Room create(
            User caller,
            Optional<RoomId> proposedId,
            String name,
            RoomPolicy policy,
            Optional<EndpointId> declaredOwner,
            Optional<byte[]> sealedKey) {
        if (caller.role() == Role.AGENT) {
            throw KeyroomException.forbidden("agents cannot create rooms");
        }
        if (declaredOwner.isPresent() && !declaredOwner.get().equals(caller.endpoint())) {
            throw KeyroomException.forbidden("owner must be the signer");
        }
        if (policy == RoomPolicy.CLEARTEXT && !rules.cleartextAllowed()) {
            throw KeyroomException.forbidden("cleartext rooms are refused on a server that listens beyond loopback");
        }
        dev.keyroom.core.identity.DisplayName.check("room", name);
        requireSealedKeyFits(policy, sealedKey);
        Room room = new Room(
                proposedId.orElseGet(() -> RoomId.random(random)), name, policy, 1, caller.endpoint(), now(), false);
        store.create(
                room,
                new Member(caller.endpoint(), RoomRole.OWNER, room.createdAt()),
                sealedKey.map(k -> wrap(room.id(), room.epoch(), caller.endpoint(), k)));
        return room;
    }

    private static void requireSealedKeyFits(RoomPolicy policy, Optional<byte[]> sealedKey) {
        if (policy == RoomPolicy.ENCRYPTED) {
            byte[] k = sealedKey.orElseThrow(() -> KeyroomException.badRequest("sealed_key is required"));
            if (k.length == 0 || k.length > SealedKey.MAX_BYTES) {
                throw KeyroomException.badRequest("sealed_key has an impossible size");
            }
        } else if (sealedKey.isPresent()) {
            throw KeyroomException.badRequest("cleartext rooms take no sealed_key");
        }
    }

    /** The room, for members only. */
    public Room get(User caller, RoomId id) {
        requireMember(caller, id);
        return store.find(id).orElseThrow(KeyroomException::notFound);
    }

    /** The caller's membership; not_found when there is none (AZ-1). */
    public Member requireMember(User caller, RoomId id) {
        return store.findMember(id, caller.endpoint()).orElseThrow(KeyroomException::notFound);
    }

    public List<MemberView> members(User caller, RoomId id) {
        requireMember(caller, id);
        List<MemberView> out = new ArrayList<>();
        for (Member m : store.members(id)) {
            users.find(m.endpoint()).ifPresent(u -> out.add(new MemberView(m, u)));
        }
        return out;
    }

    /**
     * Adds a member with its sealed key for the current epoch. Owners may add admins; owners and
     * admins may add members and readers. Nobody may add a second owner.
     */
    public Member addMember(User caller, RoomId id, EndpointId endpoint, RoomRole role, Optional<byte[]> sealedKey) {
        Member me = requireMember(caller, id);
        if (!me.role().canManage()) {
            throw KeyroomException.forbidden("only owners and admins add members");
        }
        if (role == RoomRole.OWNER || (role == RoomRole.ADMIN && me.role() != RoomRole.OWNER)) {
            throw KeyroomException.forbidden("that role cannot be granted by this member");
        }
        User invitee = users.find(endpoint)
                .filter(User::isActive)
                .orElseThrow(() -> new KeyroomException(ErrorCode.NOT_FOUND, "no such active user"));
        Room room = store.find(id).orElseThrow(KeyroomException::notFound);
        if (room.rekeyRequired()) {
            throw KeyroomException.conflict("the room must be rekeyed before members are added");
        }
        requireSealedKeyFits(room.policy(), sealedKey);
        Member member = new Member(invitee.endpoint(), role, now());
        store.addMember(id, member, room.epoch(), sealedKey.map(k -> wrap(id, room.epoch(), invitee.endpoint(), k)));
        return member;
    }

    /**
     * Moves the room to the next epoch, removing {@code remove}; the sealed keys must cover exactly
     * the members who remain. Removed members never receive the new key (AZ-7).
     */
    public long rekey(
            User caller, RoomId id, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys) {
        Member me = requireMember(caller, id);
        if (!me.role().canManage()) {
            throw KeyroomException.forbidden("only owners and admins rekey");
        }
        Room room = store.find(id).orElseThrow(KeyroomException::notFound);
        if (remove.contains(room.owner())) {
            throw KeyroomException.forbidden("the owner cannot be removed");
        }
        if (me.role() != RoomRole.OWNER) {
            for (EndpointId e : remove) {
                store.findMember(id, e).filter(m -> m.role() == RoomRole.ADMIN).ifPresent(m -> {
                    throw KeyroomException.forbidden("only the owner removes admins");
                });
            }
        }
        if (room.policy() == RoomPolicy.CLEARTEXT && !sealedKeys.isEmpty()) {
            throw KeyroomException.badRequest("cleartext rooms take no sealed keys");
        }
        for (byte[] k : sealedKeys.values()) {
            if (k.length == 0 || k.length > SealedKey.MAX_BYTES) {
                throw KeyroomException.badRequest("a sealed key has an impossible size");
            }
        }
        Map<EndpointId, byte[]> wrapped = new java.util.HashMap<>();
        sealedKeys.forEach((member, k) -> wrapped.put(member, wrap(id, fromEpoch + 1, member, k)));
        RekeyOutcome outcome = store.rekey(id, fromEpoch, remove, wrapped);
        return switch (outcome) {
            case RekeyOutcome.Rekeyed r -> {
                events.membersRemoved(id, remove, r.epoch());
                yield r.epoch();
            }
            case RekeyOutcome.StaleEpoch s ->
                throw KeyroomException.conflict("from_epoch is not the current epoch " + s.currentEpoch());
            case RekeyOutcome.KeysMismatch m ->
                throw KeyroomException.conflict("sealed_keys must cover exactly the remaining members (missing "
                        + m.missing().size()
                        + ", unexpected "
                        + m.unexpected().size()
                        + ")");
            case RekeyOutcome.NotAMember n ->
                throw KeyroomException.conflict("cannot remove a non-member: " + n.endpoint());
            case RekeyOutcome.NoSuchRoom x -> throw KeyroomException.notFound();
        };
    }

    /** A member leaves; only the member itself may. The room then requires a rekey. */
    public void leave(User caller, RoomId id, EndpointId endpoint) {
        Member me = requireMember(caller, id);
        if (!endpoint.equals(caller.endpoint())) {
            throw KeyroomException.forbidden("members leave by themselves; owners remove by rekey");
        }
        if (me.role() == RoomRole.OWNER) {
            throw KeyroomException.conflict("the owner cannot leave its room");
        }
        if (store.removeMember(id, endpoint)) {
            events.membersRemoved(id, Set.of(endpoint), -1);
        }
    }

    /** The caller's own sealed key of {@code epoch} (default: current). AZ-2. */
    public SealedKey key(User caller, RoomId id, Optional<Long> epoch) {
        requireMember(caller, id);
        Room room = store.find(id).orElseThrow(KeyroomException::notFound);
        long e = epoch.orElse(room.epoch());
        if (e < 1 || e > room.epoch()) {
            throw KeyroomException.badRequest("no such epoch");
        }
        return store.sealedKey(id, e, caller.endpoint())
                .map(k -> new SealedKey(
                        e, dev.keyroom.core.rooms.AtRestKeys.unwrap(keyring.get(), id, e, caller.endpoint(), k)))
                .orElseThrow(() -> KeyroomException.forbidden("no key was sealed for you at that epoch"));
    }

    /** Only the caller's own rooms (AZ-4). */
    public List<Membership> myRooms(User caller) {
        return store.roomsOf(caller.endpoint());
    }

    private java.time.Instant now() {
        return clock.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
