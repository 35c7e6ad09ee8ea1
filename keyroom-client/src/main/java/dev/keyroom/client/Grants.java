package dev.keyroom.client;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.protocol.grant.GrantDraft;
import dev.keyroom.protocol.grant.SignedGrant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Gateway grants (GW-2): an owner or admin lets an agent use one secret of the room at one
 * upstream, through the gateway, without the agent ever holding the value. A grant is signed here
 * with this client's own identity, which must be the document's granter; the server keeps exactly
 * the signed bytes and a gateway verifies them again.
 */
public final class Grants extends Resource {
    Grants(ClientContext context) {
        super(context);
    }

    /**
     * A draft of a grant by this identity: a fresh id, now, {@code GET} on every path of port 443
     * until told otherwise; finish it and pass {@link GrantDraft#build} to {@link #add}, or call
     * {@link #add(GrantDraft)}.
     */
    public GrantDraft draft(RoomId room, EndpointId agent, String secret) {
        return GrantDraft.of(room, agent, identity.endpoint(), secret);
    }

    /** Builds the draft now, with a fresh id, and adds it. */
    public GrantDtos.GrantItem add(GrantDraft draft) {
        return add(draft.build(clock.now(), random));
    }

    /** Signs {@code doc} with this identity (its granter) and stores it in its room. */
    public GrantDtos.GrantItem add(GrantDocument doc) {
        SignedGrant signed = SignedGrant.sign(doc, identity);
        GrantDtos.GrantItem item = transport.call(
                "POST",
                "/v1/rooms/" + doc.roomId().value() + "/grants",
                new GrantDtos.Grant(signed.documentText(), signed.signatureText()),
                GrantDtos.GrantItem.class);
        if (!doc.grantId().equals(item.grantId())) {
            throw new KeyroomApiException(201, ErrorCode.INTERNAL, "the server answered for another grant", null);
        }
        return item;
    }

    /** The room's grants this identity may see: all for owners and admins, else those naming it as agent. */
    public List<GrantDtos.GrantItem> list(RoomId room) {
        return transport
                .call("GET", "/v1/rooms/" + room.value() + "/grants", null, GrantDtos.Grants.class)
                .grants();
    }

    /** Revokes a grant at once (owners and admins). */
    public void revoke(RoomId room, String grantId) {
        try {
            Grant.requireId(grantId);
        } catch (dev.keyroom.core.error.KeyroomException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        transport.call("DELETE", "/v1/rooms/" + room.value() + "/grants/" + grantId, null, Void.class);
    }

    /**
     * What a gateway polls: every room this identity is a member of that holds a live grant. With
     * the {@code digest} of the view it holds, an unchanged view comes back {@code unchanged} and empty.
     */
    public GrantDtos.View view(Optional<String> digest) {
        String query = digest.map(d -> "?digest=" + URLEncoder.encode(d, StandardCharsets.UTF_8))
                .orElse("");
        return transport.call("GET", "/v1/gateway/view" + query, null, GrantDtos.View.class);
    }
}
