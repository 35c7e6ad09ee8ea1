package dev.keyroom.core.auth;

import dev.keyroom.core.identity.EndpointId;
import java.time.Duration;
import java.time.Instant;

/**
 * Remembers which request nonces each key has used, so a signed request is accepted once (AUTH-3).
 *
 * <p>Guarantee: for one {@code (keyid, nonce)} pair, at most one {@link #claim} within {@code
 * retention} of the first returns {@link Claim.Accepted}, however many threads (or, for shared
 * implementations, nodes) race. A bounded implementation may forget the oldest claims early when
 * full; it says so in its documentation.
 *
 * <p>Errors: a backend that cannot decide throws {@link dev.keyroom.core.error.KeyroomException};
 * the caller rejects the request (fail closed), never accepts it.
 */
public interface NonceStore {

    /** Claims {@code nonce} for {@code keyid} at {@code now}, to be remembered for {@code retention}. */
    Claim claim(EndpointId keyid, String nonce, Instant now, Duration retention);

    /** The outcome of a claim. */
    sealed interface Claim {
        record Accepted() implements Claim {}

        record Replayed() implements Claim {}

        Claim ACCEPTED = new Accepted();
        Claim REPLAYED = new Replayed();
    }
}
