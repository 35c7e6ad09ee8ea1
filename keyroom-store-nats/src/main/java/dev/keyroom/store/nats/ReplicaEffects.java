package dev.keyroom.store.nats;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.ChangeEffects;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.store.Effects;
import dev.keyroom.core.store.Store;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the stream's changes to this node's replica and tells the listeners what each means for
 * live sessions, which is how a revocation on one node closes sessions on the others (AUTH-8, AZ-7).
 * A primary's batch on a cluster backup is told through the replica's own listener, a message only
 * on the node the batch came through, since the bus takes it to every node.
 */
final class ReplicaEffects {
    private static final Logger log = LoggerFactory.getLogger(ReplicaEffects.class);

    private final Store replica;
    private final List<ChangeEffects> listeners = new CopyOnWriteArrayList<>();
    /** Whether the change being applied came through this node; read by the batch's listener. */
    private volatile boolean ownBatch;

    ReplicaEffects(Store replica) {
        this.replica = replica;
        replica.siteLog().onChange(new ChangeEffects() {
            @Override
            public void userCreated(EndpointId endpoint) {
                tell(l -> l.userCreated(endpoint));
            }

            @Override
            public void userStatusChanged(EndpointId endpoint, UserStatus status) {
                tell(l -> l.userStatusChanged(endpoint, status));
            }

            @Override
            public void membersRemoved(RoomId room, Set<EndpointId> removed) {
                tell(l -> l.membersRemoved(room, removed));
            }

            @Override
            public void banned(Ban ban) {
                tell(l -> l.banned(ban));
            }

            @Override
            public void banLifted(String subject) {
                tell(l -> l.banLifted(subject));
            }

            @Override
            public void messageAppended(RoomId room, long seq, byte[] envelope) {
                if (ownBatch) {
                    tell(l -> l.messageAppended(room, seq, envelope));
                }
            }
        });
    }

    void listen(ChangeEffects listener) {
        listeners.add(listener);
    }

    /**
     * Applies {@code change} to the replica and tells the listeners; returns its outcome, a refusal
     * as the {@link KeyroomException} itself.
     */
    Object apply(Change<?> change, boolean own) {
        Object outcome;
        ownBatch = own;
        try {
            outcome = change.applyTo(replica);
        } catch (KeyroomException e) {
            return e;
        } catch (RuntimeException e) {
            return new KeyroomException(ErrorCode.INTERNAL, "applying a state change failed", e);
        } finally {
            ownBatch = false;
        }
        if (!(change instanceof Change.ApplyBatch)) {
            tell(Effects.of(change, outcome, false));
        }
        return outcome;
    }

    /** Tells every listener; one that fails is logged and changes nothing about the applied command. */
    void tell(Consumer<ChangeEffects> event) {
        for (ChangeEffects l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("a listener of applied changes failed");
            }
        }
    }
}
