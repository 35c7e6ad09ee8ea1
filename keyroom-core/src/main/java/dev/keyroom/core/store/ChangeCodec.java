package dev.keyroom.core.store;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.NewMessage;
import dev.keyroom.core.rooms.Retention;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.vault.SealedItems;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The binary form of the values a state change carries: fixed-width numbers, length-prefixed
 * bytes and UTF-8 text, optional values behind a presence byte. Written by the node that makes a
 * change, read by every node that applies it, so both sides must agree field for field; a change
 * that does not read back whole is refused, never half applied. Each {@link Change} record writes
 * its own fields ({@link Change#encode}); {@link #decode} reads a change back by the kind its
 * first byte names.
 */
final class ChangeCodec {
    /** The largest single field read back; the stream's message limit is below it anyway. */
    private static final int MAX_FIELD = 8 * 1024 * 1024;

    private ChangeCodec() {}

    /** As {@link Change#decode}: the change {@code data} holds, or an {@link IOException}. */
    static Change<?> decode(byte[] data) throws IOException {
        try {
            return read(new In(data));
        } catch (RuntimeException invalid) {
            // A field that reads but is not valid (a name, an id, a role): not a change either.
            throw new IOException("not a valid change: " + invalid.getMessage(), invalid);
        }
    }

    private static Change<?> read(In in) throws IOException {
        int kind = in.u8();
        Change<?> c = switch (kind) {
            case 1 -> new Change.CreateUser(in.user());
            case 2 -> new Change.SetUserStatus(in.endpoint(), UserStatus.parse(in.text()));
            case 3 -> new Change.CreateRoom(in.roomRecord(), in.member(), in.optionalBytes());
            case 4 -> new Change.AddMember(in.room(), in.member(), in.i64(), in.optionalBytes());
            case 5 -> new Change.RemoveMember(in.room(), in.endpoint());
            case 6 -> new Change.Rekey(in.room(), in.i64(), in.endpoints(), in.keys());
            case 7 ->
                new Change.AppendMessage(
                        new NewMessage(in.room(), in.text(), in.endpoint(), in.i64(), in.bytes(), in.instant()),
                        in.retention());
            case 8 -> new Change.SetRetention(in.room(), in.retentionSetting(), in.retention(), in.i32(), in.instant());
            case 9 ->
                new Change.PutSecret(
                        in.room(), in.text(), in.i64(), in.sealed(), in.endpoint(), in.instant(), in.i32());
            case 10 -> new Change.DeleteSecret(in.room(), in.text(), in.endpoint(), in.instant(), in.i32());
            case 11 ->
                new Change.ResealKey(
                        new SealedItems.SealedKeyRow(in.room(), in.i64(), in.endpoint(), in.bytes()), in.bytes());
            case 12 ->
                new Change.Reseal(new SealedItems.SealedRow(in.room(), in.text(), in.i64(), in.sealed()), in.sealed());
            case 13 -> new Change.RecordBreach(in.endpoint(), in.instant(), in.instant());
            case 14 -> new Change.PutBan(in.ban());
            case 15 -> new Change.DeleteBan(in.text());
            case 16 -> new Change.ForgetChanges(in.i64());
            case 17 -> new Change.RecordBlob(in.room(), in.text(), in.instant());
            case 18 -> new Change.ForgetBlob(in.i64());
            case 19 -> new Change.Fence(in.i64());
            case 20 -> new Change.ApplyBatch(in.i64(), in.i64(), in.byteList());
            case 21 -> new Change.Promote(in.i64(), in.bytes(), in.instant());
            case 22 -> new Change.PutGrant(in.grant());
            case 23 -> new Change.DeleteGrant(in.room(), in.text());
            default -> throw new IOException("unknown change kind " + kind);
        };
        in.end();
        return c;
    }

    static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Out u8(int v) {
            return run(() -> out.writeByte(v));
        }

        Out i32(int v) {
            return run(() -> out.writeInt(v));
        }

        Out i64(long v) {
            return run(() -> out.writeLong(v));
        }

        Out bytes(byte[] v) {
            return run(() -> {
                out.writeInt(v.length);
                out.write(v);
            });
        }

        Out text(String v) {
            return bytes(v.getBytes(StandardCharsets.UTF_8));
        }

        Out instant(Instant v) {
            return i64(v.getEpochSecond()).i32(v.getNano());
        }

        Out endpoint(EndpointId v) {
            return text(v.value());
        }

        Out room(RoomId v) {
            return text(v.value());
        }

        Out optionalBytes(Optional<byte[]> v) {
            return v.isPresent() ? u8(1).bytes(v.get()) : u8(0);
        }

        Out optionalLong(Optional<Long> v) {
            return v.isPresent() ? u8(1).i64(v.get()) : u8(0);
        }

        Out optionalInt(Optional<Integer> v) {
            return v.isPresent() ? u8(1).i32(v.get()) : u8(0);
        }

        Out user(User u) {
            return endpoint(u.endpoint())
                    .text(u.name())
                    .text(u.role().wireName())
                    .text(u.status().wireName())
                    .bytes(u.signPub())
                    .bytes(u.kexPub())
                    .instant(u.createdAt());
        }

        Out roomRecord(Room r) {
            return room(r.id())
                    .text(r.name())
                    .text(r.policy().wireName())
                    .i64(r.epoch())
                    .endpoint(r.owner())
                    .instant(r.createdAt())
                    .u8(r.rekeyRequired() ? 1 : 0);
        }

        Out member(Member m) {
            return endpoint(m.endpoint()).text(m.role().wireName()).instant(m.joinedAt());
        }

        Out retention(Retention r) {
            return i32(r.count()).i64(r.age().toMillis());
        }

        Out retentionSetting(RetentionSetting s) {
            return optionalInt(s.count()).optionalInt(s.days()).optionalInt(s.secretVersions());
        }

        Out sealed(Keyring.Sealed s) {
            return i32(s.keyId()).bytes(s.nonce()).bytes(s.ciphertext());
        }

        Out ban(Ban b) {
            return text(b.subject()).instant(b.until()).text(b.reason());
        }

        Out grant(Grant g) {
            return text(g.grantId())
                    .room(g.room())
                    .endpoint(g.agent())
                    .endpoint(g.granter())
                    .text(g.secret())
                    .instant(g.createdAt())
                    .instant(g.expiresAt())
                    .bytes(g.document())
                    .bytes(g.signature());
        }

        Out endpoints(Set<EndpointId> set) {
            i32(set.size());
            set.forEach(this::endpoint);
            return this;
        }

        Out keys(Map<EndpointId, byte[]> map) {
            i32(map.size());
            map.forEach((e, k) -> endpoint(e).bytes(k));
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private Out run(Write w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
            return this;
        }
    }

    static final class In {
        private final DataInputStream in;
        private final int length;

        In(byte[] data) {
            this.in = new DataInputStream(new ByteArrayInputStream(data));
            this.length = data.length;
        }

        int u8() throws IOException {
            return in.readUnsignedByte();
        }

        int i32() throws IOException {
            return in.readInt();
        }

        long i64() throws IOException {
            return in.readLong();
        }

        byte[] bytes() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > MAX_FIELD || n > length) {
                throw new IOException("a field of " + n + " bytes does not fit the change");
            }
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new java.io.EOFException("a field of " + n + " bytes is cut short");
            }
            return b;
        }

        /** A count, then that many byte fields. */
        java.util.List<byte[]> byteList() throws IOException {
            int n = count();
            java.util.List<byte[]> out = new java.util.ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                out.add(bytes());
            }
            return out;
        }

        String text() throws IOException {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Instant instant() throws IOException {
            return Instant.ofEpochSecond(i64(), i32());
        }

        EndpointId endpoint() throws IOException {
            return new EndpointId(text());
        }

        RoomId room() throws IOException {
            return new RoomId(text());
        }

        Optional<byte[]> optionalBytes() throws IOException {
            return u8() == 1 ? Optional.of(bytes()) : Optional.empty();
        }

        Optional<Long> optionalLong() throws IOException {
            return u8() == 1 ? Optional.of(i64()) : Optional.empty();
        }

        Optional<Integer> optionalInt() throws IOException {
            return u8() == 1 ? Optional.of(i32()) : Optional.empty();
        }

        User user() throws IOException {
            return new User(
                    endpoint(), text(), Role.parse(text()), UserStatus.parse(text()), bytes(), bytes(), instant());
        }

        Room roomRecord() throws IOException {
            return new Room(room(), text(), RoomPolicy.parse(text()), i64(), endpoint(), instant(), u8() == 1);
        }

        Member member() throws IOException {
            return new Member(endpoint(), RoomRole.parse(text()), instant());
        }

        Retention retention() throws IOException {
            return new Retention(i32(), Duration.ofMillis(i64()));
        }

        RetentionSetting retentionSetting() throws IOException {
            return new RetentionSetting(optionalInt(), optionalInt(), optionalInt());
        }

        Keyring.Sealed sealed() throws IOException {
            return new Keyring.Sealed(i32(), bytes(), bytes());
        }

        Ban ban() throws IOException {
            return new Ban(text(), instant(), text());
        }

        Grant grant() throws IOException {
            return new Grant(text(), room(), endpoint(), endpoint(), text(), instant(), instant(), bytes(), bytes());
        }

        Set<EndpointId> endpoints() throws IOException {
            int n = count();
            Set<EndpointId> out = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                out.add(endpoint());
            }
            return out;
        }

        Map<EndpointId, byte[]> keys() throws IOException {
            int n = count();
            Map<EndpointId, byte[]> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.put(endpoint(), bytes());
            }
            return out;
        }

        /** Fails unless every byte was read: a change with trailing bytes is not the one written. */
        void end() throws IOException {
            if (in.read() != -1) {
                throw new IOException("trailing bytes after the change");
            }
        }

        private int count() throws IOException {
            int n = i32();
            if (n < 0 || n > length) {
                throw new IOException("a count of " + n + " does not fit the change");
            }
            return n;
        }
    }
}
