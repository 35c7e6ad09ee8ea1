package dev.keyroom.protocol.dto;

import java.util.List;
import java.util.Map;

/** The JSON bodies of {@code /v1/rooms}, {@code /v1/me/rooms} and a room's members, keys and retention. */
public final class RoomDtos {
    private RoomDtos() {}

    /**
     * A room to create: an encrypted one names the id its creator picked and carries the epoch-1 key
     * sealed to the owner; a cleartext one has neither (the server picks the id).
     */
    public record RoomCreate(String roomId, String name, String policy, String owner, String sealedKey) {
        public static RoomCreate encrypted(String roomId, String name, String owner, String sealedKey) {
            return new RoomCreate(roomId, name, "encrypted", owner, sealedKey);
        }

        public static RoomCreate cleartext(String name, String owner) {
            return new RoomCreate(null, name, "cleartext", owner, null);
        }
    }

    public record Room(
            String roomId,
            String name,
            String policy,
            long epoch,
            String owner,
            String createdAt,
            Boolean rekeyRequired) {}

    public record Member(String endpoint, String role, String signPub, String kexPub, String joinedAt) {}

    public record Members(List<Member> members) {}

    public record MemberAdd(String endpoint, String role, String sealedKey) {}

    public record Rekey(Long fromEpoch, List<String> remove, Map<String, String> sealedKeys) {}

    public record Epoch(long epoch) {}

    public record SealedKey(long epoch, String sealedKey) {}

    public record MyRoom(String roomId, String name, String policy, long epoch, String role) {}

    public record MyRooms(List<MyRoom> rooms) {}

    /** A room's retention: its own setting (null: the server's default) and what applies. */
    public record Retention(
            Integer retainCount,
            Integer retainDays,
            Integer secretVersions,
            Integer roomRetainCount,
            Integer roomRetainDays,
            Integer roomSecretVersions) {}

    public record RetentionSet(Integer retainCount, Integer retainDays, Integer secretVersions) {}
}
