package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.wire.WireNamed;

/** Whether a room's content is end-to-end encrypted under sealed epoch keys. */
public enum RoomPolicy implements WireNamed {
    ENCRYPTED,
    CLEARTEXT;

    public static RoomPolicy parse(String value) {
        if (value == null) {
            return ENCRYPTED;
        }
        return WireNamed.find(RoomPolicy.class, value)
                .orElseThrow(() -> KeyroomException.badRequest("policy must be encrypted or cleartext"));
    }
}
