package dev.keyroom.core.store;

import dev.keyroom.core.rooms.RekeyOutcome;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.site.Site;
import java.util.Set;
import java.util.function.Consumer;

/** What an applied {@link Change} means for a node's sessions, as {@link ChangeEffects} to tell. */
public final class Effects {
    private Effects() {}

    /**
     * What applying {@code change} means, to be told to each listener; {@code outcome} is what
     * applying it returned, and {@code asOnPrimary} says it is a change of a primary's batch, which
     * applied as it did on the primary (so it changed what it says).
     */
    public static Consumer<ChangeEffects> of(Change<?> change, Object outcome, boolean asOnPrimary) {
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
            case Change.DeleteBan c when asOnPrimary || Boolean.TRUE.equals(outcome) -> l -> l.banLifted(c.subject());
            case Change.AppendMessage c
            when asOnPrimary && outcome instanceof Long seq ->
                l -> l.messageAppended(c.message().room(), seq, c.message().envelope());
            case Change.Fence c when outcome instanceof Site site -> l -> l.siteChanged(site);
            case Change.Promote c when outcome instanceof Site site -> l -> l.siteChanged(site);
            default -> l -> {};
        };
    }
}
