package dev.keyroom.core.port;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Durable state: users, rooms, members and sealed keys.
 *
 * <p>Guarantees: every method is atomic; a method that returns normally has made its change
 * durable (it survives a crash of the process right after); reads see every write that returned
 * before they started. Implementations are thread-safe.
 *
 * <p>Errors: a broken backend raises {@link dev.keyroom.core.error.KeyroomException} with code
 * {@code INTERNAL} (or {@code OVERLOADED} when it timed out), never a partial result; callers that
 * make authentication or authorization decisions treat that as a denial. Uniqueness violations
 * raise {@code CONFLICT}.
 *
 * <p>Lifecycle: opened by its implementation's factory, closed once by its owner.
 */
public interface Store extends AutoCloseable {

    /** Registers a user. CONFLICT if its endpoint is already registered. */
    void createUser(User user);

    Optional<User> findUser(EndpointId endpoint);

    /** All users, ordered by creation time then endpoint. */
    List<User> listUsers();

    /** Sets a user's status; false when the user does not exist. */
    boolean setUserStatus(EndpointId endpoint, UserStatus status);

    /**
     * Creates a room with its owner as first member and, for encrypted rooms, the owner's sealed
     * key of epoch 1. CONFLICT if the room id exists.
     */
    void createRoom(Room room, Member owner, Optional<byte[]> ownerSealedKey);

    Optional<Room> findRoom(RoomId room);

    Optional<Member> findMember(RoomId room, EndpointId endpoint);

    /** Members ordered by join time then endpoint. */
    List<Member> listMembers(RoomId room);

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

    Optional<byte[]> findSealedKey(RoomId room, long epoch, EndpointId endpoint);

    /** The rooms {@code endpoint} is a member of, ordered by room creation. */
    List<Membership> roomsOf(EndpointId endpoint);

    /**
     * Appends a message with the room's next sequence; the future completes with it once the message
     * is durable, and the appends of one caller complete in the order they were made. Atomic with
     * the epoch: CONFLICT when {@code epoch} is not the room's current epoch (a publish racing a rekey
     * loses) or when the room already holds {@code messageId}. Then drops what the room's retention
     * no longer keeps: its own setting, resolved against {@code retention}, the server's default.
     */
    java.util.concurrent.CompletableFuture<Long> appendMessage(
            RoomId room,
            String messageId,
            EndpointId sender,
            long epoch,
            byte[] envelope,
            java.time.Instant receivedAt,
            dev.keyroom.core.rooms.Retention retention);

    /** The room's own retention (empty parts: the server's default); NOT_FOUND without the room. */
    dev.keyroom.core.rooms.RetentionSetting retentionSetting(RoomId room);

    /**
     * Replaces the room's own retention and at once drops the messages {@code effective} (the
     * setting resolved against the server's default) no longer keeps at {@code now}, and the secret
     * versions beyond the last {@code secretVersions} of each name; NOT_FOUND without the room.
     */
    void setRetention(
            RoomId room,
            dev.keyroom.core.rooms.RetentionSetting setting,
            dev.keyroom.core.rooms.Retention effective,
            int secretVersions,
            java.time.Instant now);

    // ---- the vault

    /**
     * Writes the next version of a secret in one transaction: CONFLICT when {@code ifVersion} is given
     * and is not the latest version number, a tombstone's included (0: never written), so that the
     * version a client binds into its ciphertext is the one written; {@code seal} makes
     * the stored value for the version being written (its context names the version). Keeps the
     * last versions of the name: the room's own number, or {@code keep}. NOT_FOUND without the room.
     */
    long putSecret(
            RoomId room,
            String name,
            java.util.Optional<Long> ifVersion,
            java.util.function.LongFunction<dev.keyroom.core.vault.Keyring.Sealed> seal,
            EndpointId by,
            java.time.Instant at,
            int keep);

    /** Writes a tombstone version; NOT_FOUND when the name has no live version. */
    long deleteSecret(RoomId room, String name, EndpointId by, java.time.Instant at, int keep);

    /** A version of a secret (the latest when empty), tombstones included. */
    java.util.Optional<dev.keyroom.core.vault.StoredSecret> secret(
            RoomId room, String name, java.util.Optional<Long> version);

    /** The room's live secrets (latest version not a tombstone), by name. */
    List<dev.keyroom.core.vault.SecretInfo> secrets(RoomId room);

    /** A member's stored sealed key, for re-wrapping. */
    record SealedKeyRow(RoomId room, long epoch, EndpointId member, byte[] stored) {}

    /**
     * Up to {@code limit} stored sealed keys not wrapped under keyring key {@code keyId} (those stored
     * before wrapping existed included).
     */
    List<SealedKeyRow> sealedKeysNotUnder(int keyId, int limit);

    /** Replaces a stored sealed key if it is still {@code expected}'s bytes; false otherwise. */
    boolean resealKey(SealedKeyRow expected, byte[] replacement);

    /**
     * How many stored items (secret versions and sealed room keys) each keyring key seals (SEC-3);
     * key 0 counts sealed keys stored before they were wrapped.
     */
    java.util.Map<Integer, Long> sealedItemsByKey();

    /** A sealed secret version, for re-wrapping. */
    record SealedRow(RoomId room, String name, long version, dev.keyroom.core.vault.Keyring.Sealed sealed) {}

    /** Up to {@code limit} secret versions sealed under a key other than {@code keyId}. */
    List<SealedRow> sealedNotUnder(int keyId, int limit);

    /**
     * Replaces a version's sealed value if it is still {@code expected} (same key and nonce); false
     * when it changed or went meanwhile.
     */
    boolean reseal(SealedRow expected, dev.keyroom.core.vault.Keyring.Sealed replacement);

    /** Records a breach of an agent's read limit and returns how many it has since {@code since}. */
    int recordBreach(EndpointId agent, java.time.Instant at, java.time.Instant since);

    /** Messages with a sequence above {@code afterSeq}, in order, at most {@code limit}. */
    List<dev.keyroom.core.rooms.StoredMessage> messagesAfter(RoomId room, long afterSeq, int limit);

    /** Records a ban, replacing any earlier ban of the same subject. */
    void putBan(dev.keyroom.core.limits.Ban ban);

    /** Bans still in force at {@code now}, ordered by subject. */
    List<dev.keyroom.core.limits.Ban> activeBans(java.time.Instant now);

    /** Lifts a ban; false when there was none. */
    boolean deleteBan(String subject);

    @Override
    void close();
}
