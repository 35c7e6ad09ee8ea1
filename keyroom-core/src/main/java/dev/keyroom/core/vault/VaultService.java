package dev.keyroom.core.vault;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomService;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Versioned secrets in rooms (SEC-2, SEC-5, AZ-6). Owners, admins and members write and delete;
 * any member reads; agents never list, and the distinct existing names they touch are limited. Every value is sealed
 * at rest by the server's keyring for its room, name and version, so that a value moved to another
 * row fails to open, and is reported rather than served.
 */
public final class VaultService {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/-]{1,253}");
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    /** A secret value as read. */
    public record Value(String name, long version, byte[] value, EndpointId createdBy, Instant createdAt) {}

    private final Secrets store;
    private final RoomService rooms;
    private final Clock clock;
    private final SecureRandom random;
    private final Supplier<Keyring> keyring;
    private final AgentLimits limits;
    private final int keepVersions;

    public VaultService(
            Secrets store,
            RoomService rooms,
            Clock clock,
            SecureRandom random,
            Supplier<Keyring> keyring,
            AgentLimits limits,
            int keepVersions) {
        this.store = store;
        this.rooms = rooms;
        this.clock = clock;
        this.random = random;
        this.keyring = keyring;
        this.limits = limits;
        this.keepVersions = keepVersions;
    }

    /** What a sealed value is bound to: its room, name and version. */
    public static String context(RoomId room, String name, long version) {
        return "secret\0" + room.value() + "\0" + name + "\0" + version;
    }

    /** Checks a secret name; {@code BAD_REQUEST} when it breaks the rules. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw KeyroomException.badRequest("secret names match [A-Za-z0-9._/-]{1,253}");
        }
        // Paths with empty, "." or ".." segments are rewritten by HTTP stacks; such a name could not
        // be addressed reliably, so it is refused.
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw KeyroomException.badRequest("secret names have no empty, '.' or '..' segments");
            }
        }
        return name;
    }

    public long put(User caller, RoomId room, String name, byte[] value, Optional<Long> ifVersion) {
        requireName(name);
        if (!rooms.requireMember(caller, room).role().canWrite()) {
            throw KeyroomException.forbidden("readers cannot write secrets");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw KeyroomException.badRequest("secret values are at most " + MAX_VALUE_BYTES + " bytes");
        }
        if (ifVersion.isPresent() && ifVersion.get() < 0) {
            throw KeyroomException.badRequest("if_version must be 0 or more");
        }
        if (caller.role() == Role.AGENT
                && ifVersion.orElse(0L) == 0
                && !limits.touched(caller.endpoint(), room.value() + "/" + name)) {
            // Creating a name that does not exist yet tells the agent nothing worth hiding, so it is
            // tried first and costs nothing; only finding the name taken counts, as a read would.
            try {
                return write(caller, room, name, value, Optional.of(0L));
            } catch (KeyroomException taken) {
                if (taken.code() != dev.keyroom.core.error.ErrorCode.CONFLICT) {
                    throw taken;
                }
                admitAgent(caller, room, name);
                if (ifVersion.isPresent()) {
                    throw taken;
                }
            }
        } else {
            admitAgent(caller, room, name);
        }
        return write(caller, room, name, value, ifVersion);
    }

    private long write(User caller, RoomId room, String name, byte[] value, Optional<Long> ifVersion) {
        Keyring k = keyring.get();
        return store.put(
                new SecretWrite(room, name, caller.endpoint(), clock.now(), keepVersions),
                ifVersion,
                v -> k.seal(context(room, name, v), value, random));
    }

    public Value get(User caller, RoomId room, String name, Optional<Long> version) {
        requireName(name);
        rooms.requireMember(caller, room);
        admitAgent(caller, room, name);
        StoredSecret s = store.find(room, name, version)
                .filter(x -> !x.tombstone())
                .orElseThrow(() ->
                        new KeyroomException(dev.keyroom.core.error.ErrorCode.NOT_FOUND, "no such secret or version"));
        // A value that fails to open raises INTERNAL: logged with the request id and audited as a 500
        // by the handler, never served.
        byte[] value =
                keyring.get().open(context(room, name, s.version()), s.sealed().orElseThrow());
        return new Value(name, s.version(), value, s.createdBy(), s.createdAt());
    }

    /**
     * An agent's touch of a secret by name, before the store is asked (AZ-6): a read, and equally a
     * write to a name that exists or a delete, whose answers (the new version, a 409 on {@code
     * if_version}, a 404) tell whether the name exists and its version. Creating a new name is free
     * ({@link #put}).
     */
    private void admitAgent(User caller, RoomId room, String name) {
        if (caller.role() == Role.AGENT) {
            limits.admit(caller.endpoint(), room.value() + "/" + name);
        }
    }

    public List<SecretInfo> list(User caller, RoomId room) {
        rooms.requireMember(caller, room);
        if (caller.role() == Role.AGENT) {
            throw KeyroomException.forbidden("agents cannot list secrets");
        }
        return store.list(room);
    }

    public long delete(User caller, RoomId room, String name) {
        requireName(name);
        if (!rooms.requireMember(caller, room).role().canWrite()) {
            throw KeyroomException.forbidden("readers cannot delete secrets");
        }
        admitAgent(caller, room, name);
        return store.delete(new SecretWrite(room, name, caller.endpoint(), clock.now(), keepVersions));
    }
}
