package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.grant.GrantDocument;

/**
 * A grant the gateway honours right now: its signature verified against its granter's key, the
 * granter an active owner or admin of the room, the agent an active member, the secret live at
 * {@code secretVersion} (GW-2). Its value is held apart, in {@link Credentials}. Its {@code fingerprint},
 * what a tunnel opened under it depends on, is the grant itself and the secret's version.
 */
public record LiveGrant(
        GrantDocument doc, long secretVersion, java.time.Instant expires, String authority, String fingerprint) {
    public LiveGrant(GrantDocument doc, long secretVersion) {
        this(doc, secretVersion, doc.expires(), doc.upstream().authority(), doc.grantId() + "@" + secretVersion);
    }

    /** Whether the grant is past its expiry at {@code now} (parsed once, not per call). */
    public boolean expiredAt(java.time.Instant now) {
        return !now.isBefore(expires);
    }

    public String id() {
        return doc.grantId();
    }

    public RoomId room() {
        return doc.roomId();
    }

    public EndpointId agent() {
        return doc.agentId();
    }
}
