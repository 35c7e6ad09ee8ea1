package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.wire.WireNamed;

/** A member's role in one room, from most to least powerful. */
public enum RoomRole implements WireNamed {
    OWNER,
    ADMIN,
    MEMBER,
    READER;

    /** Owners and admins manage membership and keys. */
    public boolean canManage() {
        return this == OWNER || this == ADMIN;
    }

    /** Everybody but readers may write content. */
    public boolean canWrite() {
        return this != READER;
    }

    public static RoomRole parse(String value) {
        return WireNamed.find(RoomRole.class, value)
                .orElseThrow(() ->
                        KeyroomException.badRequest("room role must be one of " + WireNamed.choices(RoomRole.class)));
    }
}
