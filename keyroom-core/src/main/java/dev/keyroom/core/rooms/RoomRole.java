package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import java.util.Locale;

/** A member's role in one room, from most to least powerful. */
public enum RoomRole {
    OWNER,
    ADMIN,
    MEMBER,
    READER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Owners and admins manage membership and keys. */
    public boolean canManage() {
        return this == OWNER || this == ADMIN;
    }

    /** Everybody but readers may write content. */
    public boolean canWrite() {
        return this != READER;
    }

    public static RoomRole parse(String value) {
        for (RoomRole r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        throw KeyroomException.badRequest("room role must be one of owner, admin, member, reader");
    }
}
