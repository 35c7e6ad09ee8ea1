package dev.keyroom.core.site;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.RoomId;
import java.util.Set;

/**
 * What a change applied to a node's store, not made through its services, means for the node's
 * live sessions, caches and bans (AUTH-8, AZ-7, DOS-7, REPL-7): the changes a cluster node applies
 * from the state stream, and a primary's changes a backup applies (issue 7).
 */
public interface ChangeEffects {
    void userCreated(EndpointId endpoint);

    void userStatusChanged(EndpointId endpoint, UserStatus status);

    void membersRemoved(RoomId room, Set<EndpointId> removed);

    /** A ban recorded elsewhere (DOS-7): this node refuses the subject until it ends. */
    void banned(Ban ban);

    /** A ban lifted elsewhere (an admin's call on another node): this node no longer refuses the subject for it. */
    default void banLifted(String subject) {}

    /** The site epoch or its fence changed (REPL-7): the node takes the new role. */
    default void siteChanged(Site site) {}

    /**
     * A message of a primary's batch, applied on this backup under {@code seq}: for the live
     * subscriptions held on the backup (on a primary, the message service hands its own to the bus).
     */
    default void messageAppended(RoomId room, long seq, byte[] envelope) {}
}
