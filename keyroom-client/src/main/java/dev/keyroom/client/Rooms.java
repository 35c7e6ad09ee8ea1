package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.dto.UserDtos;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rooms: creating them, their members, keys and retention. Room keys never leave the client in
 * clear: {@link #create}, {@link #invite} and {@link #rekey} generate and seal keys locally with
 * HPKE; {@link #key} unseals the caller's own.
 */
public final class Rooms extends Resource {
    private final Users users;

    Rooms(ClientContext context, Users users) {
        super(context);
        this.users = users;
    }

    /**
     * Creates an encrypted room: picks its id, makes the epoch-1 key and seals it to the caller, so
     * the server never sees the key.
     */
    public RoomDtos.Room create(String name) {
        RoomId id = RoomId.random(random);
        try (SecretBytes key = RoomKeys.generate(random)) {
            byte[] sealed = RoomKeys.seal(identity.kexPub(), id, 1, key);
            return transport.call(
                    "POST",
                    "/v1/rooms",
                    RoomDtos.RoomCreate.encrypted(
                            id.value(), name, identity.endpoint().value(), Base64Url.encode(sealed)),
                    RoomDtos.Room.class);
        }
    }

    /** Creates a cleartext room (refused by servers that listen beyond loopback unless allowed). */
    public RoomDtos.Room createCleartext(String name) {
        return transport.call(
                "POST",
                "/v1/rooms",
                RoomDtos.RoomCreate.cleartext(name, identity.endpoint().value()),
                RoomDtos.Room.class);
    }

    public RoomDtos.Room get(RoomId room) {
        return transport.call("GET", "/v1/rooms/" + room.value(), null, RoomDtos.Room.class);
    }

    public List<RoomDtos.Member> members(RoomId room) {
        return transport
                .call("GET", "/v1/rooms/" + room.value() + "/members", null, RoomDtos.Members.class)
                .members();
    }

    /** The rooms the caller is a member of, with its role in each. */
    public List<RoomDtos.MyRoom> mine() {
        return transport
                .call("GET", "/v1/me/rooms", null, RoomDtos.MyRooms.class)
                .rooms();
    }

    /** The caller's sealed key of {@code epoch} (default: current), unsealed locally. */
    public SecretBytes key(RoomId room, Optional<Long> epoch) {
        return keys.unseal(room, epoch);
    }

    /**
     * Invites {@code endpoint} with {@code role}: unseals the caller's key of the current epoch and
     * seals it to the invitee's published key.
     */
    public void invite(RoomId room, EndpointId endpoint, RoomRole role) {
        RoomDtos.Room r = get(room);
        String sealed = null;
        if (encrypted(r)) {
            UserDtos.User invitee = users.get(endpoint);
            try (SecretBytes key = keys.unseal(room, Optional.of(r.epoch()))) {
                sealed = Base64Url.encode(
                        RoomKeys.seal(Base64Url.decode(invitee.kexPub(), "kex_pub"), room, r.epoch(), key));
            }
        }
        transport.call(
                "POST",
                "/v1/rooms/" + room.value() + "/members",
                new RoomDtos.MemberAdd(endpoint.value(), role.wireName(), sealed),
                RoomDtos.Room.class);
    }

    /**
     * Moves the room to a new epoch without {@code remove}: makes a fresh key and seals it to every
     * member who remains. Returns the new epoch. Removed members never receive the new key.
     */
    public long rekey(RoomId room, Set<EndpointId> remove) {
        RoomDtos.Room r = get(room);
        long next = r.epoch() + 1;
        Map<String, String> sealed = new HashMap<>();
        if (encrypted(r)) {
            try (SecretBytes key = RoomKeys.generate(random)) {
                for (RoomDtos.Member m : members(room)) {
                    EndpointId e = EndpointId.parse(m.endpoint());
                    if (remove.contains(e)) {
                        continue;
                    }
                    if (!e.matches(Base64Url.decode(m.signPub(), "sign_pub"))) {
                        throw new IllegalStateException("the server listed a member under another key");
                    }
                    sealed.put(
                            e.value(),
                            Base64Url.encode(RoomKeys.seal(Base64Url.decode(m.kexPub(), "kex_pub"), room, next, key)));
                }
            }
        }
        return transport
                .call(
                        "POST",
                        "/v1/rooms/" + room.value() + "/rekey",
                        new RoomDtos.Rekey(
                                r.epoch(),
                                remove.stream().map(EndpointId::value).sorted().toList(),
                                sealed),
                        RoomDtos.Epoch.class)
                .epoch();
    }

    /** The caller leaves the room; an owner or admin must then rekey it. */
    public void leave(RoomId room) {
        transport.call(
                "DELETE",
                "/v1/rooms/" + room.value() + "/members/" + identity.endpoint().value(),
                null,
                Void.class);
    }

    /**
     * The room's retention of messages and secret versions: its own setting (null parts: the
     * server's default) and what applies.
     */
    public RoomDtos.Retention retention(RoomId room) {
        return transport.call("GET", "/v1/rooms/" + room.value() + "/retention", null, RoomDtos.Retention.class);
    }

    /** Sets the room's own retention (owners and admins); a null part returns to the server's default. */
    public RoomDtos.Retention setRetention(RoomId room, Integer count, Integer days, Integer secretVersions) {
        return transport.call(
                "PUT",
                "/v1/rooms/" + room.value() + "/retention",
                new RoomDtos.RetentionSet(count, days, secretVersions),
                RoomDtos.Retention.class);
    }

    /** Whether {@code room} is end-to-end encrypted (else cleartext). */
    static boolean encrypted(RoomDtos.Room room) {
        return room.policy().equals("encrypted");
    }
}
