package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.grants.Grant;
import dev.keyroom.core.grants.RoomGrants;
import dev.keyroom.core.rooms.MemberView;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.GrantDtos;
import java.util.List;
import java.util.Optional;

/**
 * Grants and the gateway's view rendered for the wire. The view's digest is the base64url SHA-256
 * of the JSON of its rooms, which {@link RoomGrants} lists in a fixed order: the same state gives
 * the same digest, so a gateway that already holds it is told {@code unchanged} and sent no rooms.
 */
final class GatewayViews {
    private GatewayViews() {}

    static GrantDtos.GrantItem item(Grant g) {
        return new GrantDtos.GrantItem(
                g.grantId(), g.agent().value(), g.granter().value(), g.secret(), Views.time(g.expiresAt()), signed(g));
    }

    static GrantDtos.View render(List<RoomGrants> rooms, Optional<String> known) {
        List<GrantDtos.ViewRoom> out = rooms.stream().map(GatewayViews::room).toList();
        String digest = Base64Url.encode(Digests.sha256(Json.write(out)));
        if (known.isPresent() && known.get().equals(digest)) {
            return new GrantDtos.View(digest, true, List.of());
        }
        return new GrantDtos.View(digest, false, out);
    }

    private static GrantDtos.ViewRoom room(RoomGrants r) {
        return new GrantDtos.ViewRoom(
                r.room().id().value(),
                r.room().policy().wireName(),
                r.room().epoch(),
                r.members().stream().map(GatewayViews::member).toList(),
                r.grants().stream().map(GatewayViews::signed).toList(),
                r.secrets());
    }

    private static GrantDtos.ViewMember member(MemberView m) {
        return new GrantDtos.ViewMember(
                m.member().endpoint().value(),
                m.member().role().wireName(),
                Base64Url.encode(m.user().signPub()),
                m.user().isActive());
    }

    private static GrantDtos.Grant signed(Grant g) {
        return new GrantDtos.Grant(Base64Url.encode(g.document()), Base64Url.encode(g.signature()));
    }
}
