package dev.keyroom.server;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.RoomEvent;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.Site;
import java.util.Set;

/**
 * Where changes applied from elsewhere reach this node: from the cluster's state stream, or from a
 * primary's batch on a backup. The identity cache forgets, live sessions are closed or evicted
 * (AUTH-8, AZ-7), bans hold here too (DOS-7), the site takes its new role (REPL-7), and a backup's
 * live subscribers get the messages the batch brought.
 */
final class NodeEffects implements ChangeEffects {
    private final Services services;
    private final dev.keyroom.server.replication.SiteRole site;

    NodeEffects(Services services, dev.keyroom.server.replication.SiteRole site) {
        this.services = services;
        this.site = site;
    }

    @Override
    public void userCreated(EndpointId endpoint) {
        services.directory().invalidate(endpoint);
    }

    @Override
    public void userStatusChanged(EndpointId endpoint, UserStatus status) {
        services.directory().invalidate(endpoint);
        services.hub().statusChanged(endpoint, status);
    }

    @Override
    public void membersRemoved(RoomId room, Set<EndpointId> removed) {
        services.hub().membersRemoved(room, removed);
    }

    @Override
    public void banned(Ban ban) {
        services.bans().adopt(ban);
    }

    @Override
    public void banLifted(String subject) {
        services.bans().forget(subject);
    }

    @Override
    public void siteChanged(Site changed) {
        site.adopt(changed);
    }

    @Override
    public void messageAppended(RoomId room, long seq, byte[] envelope) {
        services.messages().announce(room, new RoomEvent(seq, envelope));
    }
}
