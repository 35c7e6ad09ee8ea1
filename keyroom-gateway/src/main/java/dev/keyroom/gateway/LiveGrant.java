package dev.keyroom.gateway;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.grant.GrantDocument;

/**
 * A grant the gateway honours right now: its signature verified against its granter's key, the
 * granter an active owner or admin of the room, the agent an active member, the secret live at
 * {@code secretVersion} (GW-2). Its value is held apart, in {@link Credentials}.
 */
public record LiveGrant(GrantDocument doc, long secretVersion) {
    public String id() {
        return doc.grantId();
    }

    public RoomId room() {
        return doc.roomId();
    }

    public EndpointId agent() {
        return doc.agentId();
    }

    /** {@code host:port} of the upstream, as a CONNECT names it. */
    public String authority() {
        return doc.upstream().authority();
    }

    /** What a tunnel opened under this grant depends on: the grant itself and the secret's version. */
    public String fingerprint() {
        return doc.grantId() + "@" + secretVersion;
    }
}
