package dev.keyroom.core.site;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.rooms.RoomId;
import java.util.Set;
import java.util.function.Consumer;

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

    /** The site epoch or its fence changed (REPL-7): the node takes the new role. */
    default void siteChanged(Site site) {}

    /**
     * A message of a primary's batch, applied on this backup under {@code seq}: for the live
     * subscriptions held on the backup (on a primary, the message service hands its own to the bus).
     */
    default void messageAppended(RoomId room, long seq, byte[] envelope) {}

    /**
     * What applying {@code change} means, to be told to each listener; {@code outcome} is what
     * applying it returned, and {@code asOnPrimary} says it is a change of a primary's batch, which
     * applied as it did on the primary (so it changed what it says).
     */
    static Consumer<ChangeEffects> of(Change<?> change, Object outcome, boolean asOnPrimary) {
        return switch (change) {
            case Change.CreateUser c -> l -> l.userCreated(c.user().endpoint());
            case Change.SetUserStatus c
            when asOnPrimary || Boolean.TRUE.equals(outcome) -> l -> l.userStatusChanged(c.endpoint(), c.status());
            case Change.RemoveMember c
            when asOnPrimary || Boolean.TRUE.equals(outcome) -> l -> l.membersRemoved(c.room(), Set.of(c.endpoint()));
            case Change.Rekey c
            when (asOnPrimary || outcome instanceof RekeyOutcome.Rekeyed)
                    && !c.remove().isEmpty() -> l -> l.membersRemoved(c.room(), c.remove());
            case Change.PutBan c -> l -> l.banned(c.ban());
            case Change.AppendMessage c
            when asOnPrimary && outcome instanceof Long seq -> l -> l.messageAppended(c.room(), seq, c.envelope());
            case Change.Fence c when outcome instanceof Site site -> l -> l.siteChanged(site);
            case Change.Promote c when outcome instanceof Site site -> l -> l.siteChanged(site);
            default -> l -> {};
        };
    }
}
