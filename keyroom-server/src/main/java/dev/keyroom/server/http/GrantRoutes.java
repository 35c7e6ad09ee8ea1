package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.grants.GatewayView;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.grants.GrantService;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.protocol.grant.SignedGrant;
import java.util.Optional;

/**
 * Gateway grants (GW-2): {@code /v1/rooms/{room}/grants[/{grant}]}, and the view a gateway polls,
 * {@code /v1/gateway/view}. A grant is taken only as its caller signed it, for the room of the
 * path, in the caller's own name; the service then decides whether the caller may grant at all.
 */
public record GrantRoutes(GrantService grants, GatewayView view) {
    public void register(Router router) {
        router.add("POST", "/v1/rooms/{room}/grants", this::add)
                .add(
                        "GET",
                        "/v1/rooms/{room}/grants",
                        c -> Reply.ok(new GrantDtos.Grants(grants.list(c.caller(), c.room()).stream()
                                .map(GatewayViews::item)
                                .toList())))
                .add("DELETE", "/v1/rooms/{room}/grants/{grant}", c -> {
                    grants.revoke(c.caller(), c.room(), c.params().get("grant"));
                    return Reply.noContent();
                })
                .add(
                        "GET",
                        "/v1/gateway/view",
                        c -> Reply.ok(GatewayViews.render(
                                view.of(c.caller()),
                                Optional.ofNullable(c.query().get("digest")))));
    }

    private Reply add(Call c) {
        GrantDtos.Grant body = c.json(GrantDtos.Grant.class);
        SignedGrant signed = SignedGrant.fromWire(body.document(), body.signature());
        if (signed.document().length > Grant.MAX_DOCUMENT_BYTES) {
            throw KeyroomException.badRequest("grant: the document is over 32 KiB");
        }
        GrantDocument doc = signed.parse();
        RoomId room = c.room();
        if (!doc.roomId().equals(room)) {
            throw KeyroomException.badRequest("grant: the document is for another room than the path's");
        }
        if (!doc.granterId().equals(c.caller().endpoint())) {
            throw KeyroomException.forbidden("grant: the granter must be the caller");
        }
        if (!signed.signedBy(c.caller().signPub())) {
            throw KeyroomException.badRequest("grant: the signature does not verify with the caller's key");
        }
        Grant added = grants.add(
                c.caller(),
                room,
                new Grant(
                        doc.grantId(),
                        room,
                        doc.agentId(),
                        doc.granterId(),
                        doc.secret(),
                        doc.created(),
                        doc.expires(),
                        signed.document(),
                        signed.signature()));
        // The audit entry names the grant, which the path of a POST does not.
        return Reply.created(GatewayViews.item(added))
                .about("/v1/rooms/" + room.value() + "/grants/" + added.grantId());
    }
}
