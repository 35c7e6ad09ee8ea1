package dev.keyroom.core.rooms;

import dev.keyroom.core.error.KeyroomException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A room id: 16 random bytes as 32 lowercase hex characters. */
public record RoomId(String value) {
    public RoomId {
        if (!dev.keyroom.core.identity.EndpointId.isWellFormed(value)) {
            throw KeyroomException.badRequest("room id must be 32 lowercase hex characters");
        }
    }

    public static RoomId parse(String value) {
        return new RoomId(value);
    }

    public static RoomId random(SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return new RoomId(HexFormat.of().formatHex(b));
    }

    @Override
    public String toString() {
        return value;
    }
}
