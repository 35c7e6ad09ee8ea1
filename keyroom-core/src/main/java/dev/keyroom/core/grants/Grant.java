package dev.keyroom.core.grants;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored grant: the fields the server authorizes and indexes by, copied from the signed document,
 * and the document and signature themselves, kept byte for byte because the signature covers
 * those bytes and a gateway verifies it again. Times are kept to the millisecond, as stored.
 */
public record Grant(
        String grantId,
        RoomId room,
        EndpointId agent,
        EndpointId granter,
        String secret,
        Instant createdAt,
        Instant expiresAt,
        byte[] document,
        byte[] signature) {

    /** Grant ids are 32 lowercase hex characters: 128 random bits, chosen by the granter. */
    public static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    /** The largest signed document kept: a CA certificate of 16 KiB and the rest fit well within it. */
    public static final int MAX_DOCUMENT_BYTES = 32 * 1024;

    public Grant {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(granter, "granter");
        Objects.requireNonNull(secret, "secret");
        requireId(grantId);
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        if (document == null || document.length == 0 || document.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("a grant's document is 1 byte to 32 KiB");
        }
        if (signature == null || signature.length == 0) {
            throw new IllegalArgumentException("a grant is signed");
        }
        document = document.clone();
        signature = signature.clone();
    }

    /** Checks a grant id as a path or a caller gives it; BAD_REQUEST otherwise. */
    public static String requireId(String grantId) {
        if (grantId == null || !ID.matcher(grantId).matches()) {
            throw KeyroomException.badRequest("a grant id is 32 lowercase hex characters");
        }
        return grantId;
    }

    @Override
    public byte[] document() {
        return document.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Whether the grant is past its expiry at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grant g
                && grantId.equals(g.grantId)
                && room.equals(g.room)
                && agent.equals(g.agent)
                && granter.equals(g.granter)
                && secret.equals(g.secret)
                && createdAt.equals(g.createdAt)
                && expiresAt.equals(g.expiresAt)
                && Digests.constantTimeEquals(document, g.document)
                && Digests.constantTimeEquals(signature, g.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(room, grantId);
    }

    @Override
    public String toString() {
        return "Grant[" + grantId + " in " + room + ", agent " + agent + ", secret " + secret + "]";
    }
}
