package dev.keyroom.core.vault;

import dev.keyroom.core.identity.EndpointId;
import java.time.Instant;

/** Agents' breaches of their secret-read limit (AZ-6). The guarantees and errors of {@code Store} hold. */
public interface Breaches {
    /** Records a breach and returns how many the agent has since {@code since}. */
    int record(EndpointId agent, Instant at, Instant since);
}
