package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import java.util.Locale;

/** Whether a room's content is end-to-end encrypted under sealed epoch keys. */
public enum RoomPolicy {
    ENCRYPTED,
    CLEARTEXT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RoomPolicy parse(String value) {
        if (value == null) {
            return ENCRYPTED;
        }
        for (RoomPolicy p : values()) {
            if (p.wireName().equals(value)) {
                return p;
            }
        }
        throw KeyroomException.badRequest("policy must be encrypted or cleartext");
    }
}
