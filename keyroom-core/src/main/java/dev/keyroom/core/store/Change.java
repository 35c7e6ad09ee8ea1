package dev.keyroom.core.store;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.Site;
import dev.keyroom.core.vault.SealedItems;
import dev.keyroom.core.vault.SecretWrite;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One change to a {@link Store}, as data: every write of its ports, with everything applying it
 * needs (times, sealed values, the version a value was sealed for), so that applying the same
 * changes in the same order to the same state gives the same state and the same outcomes on any
 * node. The cluster's state stream carries them (the replicated state machine of ADR 0003) and the
 * embedded store's change feed records them (REPL-2). {@code R} is what applying it returns: what
 * the port's method returns ({@link Void} for none).
 *
 * <p>The binary form starts with one byte naming the kind; {@link #decode} refuses anything that
 * does not read back whole.
 */
public sealed interface Change<R> {

    /** Applies this change to {@code store}, returning what the port's method returned. */
    R applyTo(Store store);

    /** The binary form. */
    byte[] encode();

    record CreateUser(User user) implements Change<Void> {
        public Void applyTo(Store s) {
            s.users().create(user);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(1).user(user).toByteArray();
        }
    }

    record SetUserStatus(EndpointId endpoint, UserStatus status) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.users().setStatus(endpoint, status);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(2)
                    .endpoint(endpoint)
                    .text(status.wireName())
                    .toByteArray();
        }
    }

    record CreateRoom(Room room, Member owner, Optional<byte[]> ownerSealedKey) implements Change<Void> {
        public Void applyTo(Store s) {
            s.rooms().create(room, owner, ownerSealedKey);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(3)
                    .roomRecord(room)
                    .member(owner)
                    .optionalBytes(ownerSealedKey)
                    .toByteArray();
        }
    }

    record AddMember(RoomId room, Member member, long epoch, Optional<byte[]> sealedKey) implements Change<Void> {
        public Void applyTo(Store s) {
            s.rooms().addMember(room, member, epoch, sealedKey);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(4)
                    .room(room)
                    .member(member)
                    .i64(epoch)
                    .optionalBytes(sealedKey)
                    .toByteArray();
        }
    }

    record RemoveMember(RoomId room, EndpointId endpoint) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.rooms().removeMember(room, endpoint);
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(5).room(room).endpoint(endpoint).toByteArray();
        }
    }

    record Rekey(RoomId room, long fromEpoch, Set<EndpointId> remove, Map<EndpointId, byte[]> sealedKeys)
            implements Change<dev.keyroom.core.rooms.RekeyOutcome> {
        public dev.keyroom.core.rooms.RekeyOutcome applyTo(Store s) {
            return s.rooms().rekey(room, fromEpoch, remove, sealedKeys);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(6)
                    .room(room)
                    .i64(fromEpoch)
                    .endpoints(remove)
                    .keys(sealedKeys)
                    .toByteArray();
        }
    }

    /** Applied with {@link dev.keyroom.core.rooms.Messages#append}, whose future the caller waits for or not. */
    record AppendMessage(NewMessage message, Retention retention) implements Change<Long> {
        public Long applyTo(Store s) {
            // The store's own refusal (a conflict), not wrapped: a backup answers with it.
            return dev.keyroom.core.error.KeyroomException.await(s.messages().append(message, retention));
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(7)
                    .room(message.room())
                    .text(message.messageId())
                    .endpoint(message.sender())
                    .i64(message.epoch())
                    .bytes(message.envelope())
                    .instant(message.receivedAt())
                    .retention(retention)
                    .toByteArray();
        }
    }

    record SetRetention(RoomId room, RetentionSetting setting, Retention effective, int secretVersions, Instant now)
            implements Change<Void> {
        public Void applyTo(Store s) {
            s.rooms().setRetention(room, setting, effective, secretVersions, now);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(8)
                    .room(room)
                    .retentionSetting(setting)
                    .retention(effective)
                    .i32(secretVersions)
                    .instant(now)
                    .toByteArray();
        }
    }

    /** A version sealed for {@code latest + 1}; the compare-and-set on {@code latest} writes it, or nothing. */
    record PutSecret(RoomId room, String name, long latest, Keyring.Sealed sealed, EndpointId by, Instant at, int keep)
            implements Change<Long> {
        public Long applyTo(Store s) {
            return s.secrets().put(new SecretWrite(room, name, by, at, keep), Optional.of(latest), v -> sealed);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(9)
                    .room(room)
                    .text(name)
                    .i64(latest)
                    .sealed(sealed)
                    .endpoint(by)
                    .instant(at)
                    .i32(keep)
                    .toByteArray();
        }
    }

    record DeleteSecret(RoomId room, String name, EndpointId by, Instant at, int keep) implements Change<Long> {
        public Long applyTo(Store s) {
            return s.secrets().delete(new SecretWrite(room, name, by, at, keep));
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(10)
                    .room(room)
                    .text(name)
                    .endpoint(by)
                    .instant(at)
                    .i32(keep)
                    .toByteArray();
        }
    }

    record ResealKey(SealedItems.SealedKeyRow expected, byte[] replacement) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.sealedItems().resealKey(expected, replacement);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(11)
                    .room(expected.room())
                    .i64(expected.epoch())
                    .endpoint(expected.member())
                    .bytes(expected.stored())
                    .bytes(replacement)
                    .toByteArray();
        }
    }

    record Reseal(SealedItems.SealedRow expected, Keyring.Sealed replacement) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.sealedItems().resealSecret(expected, replacement);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(12)
                    .room(expected.room())
                    .text(expected.name())
                    .i64(expected.version())
                    .sealed(expected.sealed())
                    .sealed(replacement)
                    .toByteArray();
        }
    }

    record RecordBreach(EndpointId agent, Instant at, Instant since) implements Change<Integer> {
        public Integer applyTo(Store s) {
            return s.breaches().record(agent, at, since);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(13)
                    .endpoint(agent)
                    .instant(at)
                    .instant(since)
                    .toByteArray();
        }
    }

    record PutBan(Ban ban) implements Change<Void> {
        public Void applyTo(Store s) {
            s.bans().put(ban);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(14).ban(ban).toByteArray();
        }
    }

    record DeleteBan(String subject) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.bans().delete(subject);
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(15).text(subject).toByteArray();
        }
    }

    /** A gateway grant (GW-2); CONFLICT when its id is used in its room already. */
    record PutGrant(Grant grant) implements Change<Void> {
        public Void applyTo(Store s) {
            s.grants().put(grant);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(22).grant(grant).toByteArray();
        }
    }

    record DeleteGrant(RoomId room, String grantId) implements Change<Boolean> {
        public Boolean applyTo(Store s) {
            return s.grants().delete(room, grantId);
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(23).room(room).text(grantId).toByteArray();
        }
    }

    /**
     * Whether this is the site's replication bookkeeping (feeds, site epoch), not a change of the store:
     * the nodes of a cluster agree on it through the state stream; a backup neither gets nor applies it.
     */
    default boolean siteBookkeeping() {
        return this instanceof ForgetChanges
                || this instanceof RecordBlob
                || this instanceof ForgetBlob
                || this instanceof Fence
                || this instanceof ApplyBatch
                || this instanceof Promote;
    }

    /** A batch of a primary site's feed, applied by every node of a cluster backup alike (REPL-6). */
    record ApplyBatch(long epoch, long firstSeq, java.util.List<byte[]> changes) implements Change<Long> {
        public Long applyTo(Store s) {
            return s.siteLog().applyChanges(epoch, firstSeq, changes);
        }

        public byte[] encode() {
            ChangeCodec.Out out =
                    new ChangeCodec.Out().u8(20).i64(epoch).i64(firstSeq).i32(changes.size());
            for (byte[] c : changes) {
                out.bytes(c);
            }
            return out.toByteArray();
        }
    }

    /** A cluster backup's promotion (REPL-7), agreed by every node. */
    record Promote(long fromEpoch, byte[] siteKey, Instant at) implements Change<Site> {
        public Site applyTo(Store s) {
            return s.siteLog().promote(fromEpoch, siteKey, at);
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(21)
                    .i64(fromEpoch)
                    .bytes(siteKey)
                    .instant(at)
                    .toByteArray();
        }
    }

    /** The backup holds the changes up to {@code seq}: they leave the feed. */
    record ForgetChanges(long seq) implements Change<Void> {
        public Void applyTo(Store s) {
            s.siteLog().forgetChangesUpTo(seq);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(16).i64(seq).toByteArray();
        }
    }

    /** A blob was stored (again): it goes to the backup. */
    record RecordBlob(RoomId room, String sha256, Instant at) implements Change<Void> {
        public Void applyTo(Store s) {
            s.siteLog().recordBlob(room, sha256, at);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out()
                    .u8(17)
                    .room(room)
                    .text(sha256)
                    .instant(at)
                    .toByteArray();
        }
    }

    /** The backup holds the blob at {@code seq} of the blob feed (or it cannot be sent). */
    record ForgetBlob(long seq) implements Change<Void> {
        public Void applyTo(Store s) {
            s.siteLog().forgetBlob(seq);
            return null;
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(18).i64(seq).toByteArray();
        }
    }

    /** A site of a higher epoch exists: this one is fenced (REPL-7). */
    record Fence(long epoch) implements Change<Site> {
        public Site applyTo(Store s) {
            return s.siteLog().fence(epoch);
        }

        public byte[] encode() {
            return new ChangeCodec.Out().u8(19).i64(epoch).toByteArray();
        }
    }

    /** Reads a change back; an {@link IOException} when it is not one this version can read whole. */
    public static Change<?> decode(byte[] data) throws IOException {
        return ChangeCodec.decode(data);
    }
}
