package dev.keyroom.core.grants;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.core.rooms.Rooms;
import java.util.List;

/**
 * Who may add, see and revoke a room's gateway grants (GW-2). Only an owner or admin grants, and
 * only in its own name: a grant's granter is its caller, whose signature the route has checked.
 * Owners and admins see every grant of the room; any other member only those naming it as agent.
 * A caller that is not a member gets the same {@code not_found} as for a room that does not
 * exist (AZ-1). A grant honoured later also needs its granter to still be an owner or admin: the
 * gateway checks that against the view, each time.
 */
public final class GrantService {
    private final Grants grants;
    private final RoomService rooms;
    private final Rooms members;
    private final Clock clock;

    public GrantService(Grants grants, RoomService rooms, Rooms members, Clock clock) {
        this.grants = grants;
        this.rooms = rooms;
        this.members = members;
        this.clock = clock;
    }

    /** Stores {@code grant}, whose signature by the caller the caller of this method has verified. */
    public Grant add(User caller, RoomId room, Grant grant) {
        requireManager(caller, room, "only owners and admins of the room grant the use of its secrets");
        if (!grant.room().equals(room)) {
            throw KeyroomException.badRequest("grant: the document is for another room than " + room.value());
        }
        if (!grant.granter().equals(caller.endpoint())) {
            throw KeyroomException.forbidden("grant: the granter must be the caller");
        }
        if (members.findMember(room, grant.agent()).isEmpty()) {
            throw KeyroomException.badRequest("grant: the agent is not a member of the room");
        }
        if (grant.expiredAt(clock.now())) {
            throw KeyroomException.badRequest("grant: it has expired already");
        }
        grants.put(grant);
        return grant;
    }

    /** The room's grants the caller may see: all for owners and admins, else those naming it as agent. */
    public List<Grant> list(User caller, RoomId room) {
        Member me = rooms.requireMember(caller, room);
        List<Grant> all = grants.list(room);
        if (me.role().canManage()) {
            return all;
        }
        return all.stream().filter(g -> g.agent().equals(caller.endpoint())).toList();
    }

    /** Revokes a grant at once; NOT_FOUND when the room holds none of that id. */
    public void revoke(User caller, RoomId room, String grantId) {
        Grant.requireId(grantId);
        requireManager(caller, room, "only owners and admins of the room revoke its grants");
        if (!grants.delete(room, grantId)) {
            throw KeyroomException.notFound();
        }
    }

    private void requireManager(User caller, RoomId room, String refusal) {
        if (!rooms.requireMember(caller, room).role().canManage()) {
            throw KeyroomException.forbidden(refusal);
        }
    }
}
