package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.EndpointId;
import java.util.Set;

/** What an atomic rekey did. Only {@link Rekeyed} changed anything. */
public sealed interface RekeyOutcome {
    /** The room moved to {@code epoch}. */
    record Rekeyed(long epoch) implements RekeyOutcome {}

    /** {@code from_epoch} was not the current epoch. */
    record StaleEpoch(long currentEpoch) implements RekeyOutcome {}

    /** The sealed keys did not cover exactly the members who remain. */
    record KeysMismatch(Set<EndpointId> missing, Set<EndpointId> unexpected) implements RekeyOutcome {}

    /** A listed endpoint to remove is not a member. */
    record NotAMember(EndpointId endpoint) implements RekeyOutcome {}

    /** The room does not exist. */
    record NoSuchRoom() implements RekeyOutcome {}
}
