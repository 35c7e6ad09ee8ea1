package dev.keyroom.store.nats;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.Breaches;
import java.time.Instant;
import java.util.List;

/**
 * {@link Bans} and {@link Breaches} of the cluster, shared by every node (DOS-7): writes through the
 * state stream, reads from the caught-up replica.
 */
record ReplicatedBans(StateStream stream) implements Bans, Breaches {
    @Override
    public void put(Ban ban) {
        stream.write(new Change.PutBan(ban));
    }

    @Override
    public List<Ban> active(Instant now) {
        stream.barrier();
        return stream.replica().bans().active(now);
    }

    @Override
    public boolean delete(String subject) {
        return stream.write(new Change.DeleteBan(subject));
    }

    @Override
    public int record(EndpointId agent, Instant at, Instant since) {
        return stream.write(new Change.RecordBreach(agent, at, since));
    }
}
