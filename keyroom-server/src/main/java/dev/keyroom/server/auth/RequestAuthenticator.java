package dev.keyroom.server.auth;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.port.NonceStore;
import dev.keyroom.protocol.signature.Authority;
import dev.keyroom.protocol.signature.ContentDigest;
import dev.keyroom.protocol.signature.HttpRequestView;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureException;
import dev.keyroom.protocol.signature.SignatureVerifier;
import dev.keyroom.protocol.signature.SignedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The per-request authentication of the protocol, in its order (AUTH-4): (1) signature fields
 * present and on profile, (2) {@code created} within the skew window, (3) {@code keyid} an active
 * user, (4) the signature verifies and the authority is ours, (5) the body matches its digest, (6)
 * the nonce was never seen. Steps 1 to 5 never touch the nonce store, so unknown or revoked keys
 * cannot fill it.
 */
public final class RequestAuthenticator {
    /** The outcome of authentication. */
    public sealed interface Outcome {
        record Authenticated(User user) implements Outcome {}

        /**
         * Refused at {@code step}; {@code reason} is safe to send and never tells an unknown key from
         * a bad signature.
         */
        record Rejected(int step, String reason) implements Outcome {}
    }

    static final String KEY_OR_SIGNATURE = "unknown key or bad signature";

    private final UserDirectory users;
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration skew;
    private final Set<String> publicAuthorities;

    public RequestAuthenticator(
            UserDirectory users, NonceStore nonces, Clock clock, Duration skew, Set<String> publicAuthorities) {
        this.users = users;
        this.nonces = nonces;
        this.clock = clock;
        this.skew = skew;
        this.publicAuthorities = Set.copyOf(publicAuthorities);
    }

    /**
     * Authenticates a request whose body (already read under its cap) is {@code bodyLength} bytes
     * long and hashes to {@code bodySha256}.
     */
    public Outcome authenticate(HttpRequestView request, long bodyLength, byte[] bodySha256) {
        boolean digestRequired = RequestSigner.digestRequired(request.method(), bodyLength > 0);
        SignedRequest signed;
        try {
            signed = SignedRequest.parse(
                    request.headerValues("signature-input"), request.headerValues("signature"), digestRequired);
        } catch (SignatureException e) {
            return new Outcome.Rejected(1, "malformed signature: " + e.getMessage());
        }

        long now = clock.epochSecond();
        if (Math.abs(signed.created() - now) > skew.toSeconds()) {
            return new Outcome.Rejected(2, "clock skew");
        }
        if (signed.expires() != null && signed.expires() < now) {
            return new Outcome.Rejected(2, "signature expired");
        }

        Optional<User> user = users.find(signed.keyid());
        if (user.isEmpty() || user.get().status() == UserStatus.REVOKED) {
            return new Outcome.Rejected(3, KEY_OR_SIGNATURE);
        }

        if (!publicAuthorities.isEmpty()
                && !publicAuthorities.contains(Authority.normalize(request.scheme(), request.authority()))) {
            return new Outcome.Rejected(4, "authority is not one of this server's");
        }
        if (!SignatureVerifier.verify(signed.params(), request, user.get().signPub(), signed.signature())) {
            return new Outcome.Rejected(4, KEY_OR_SIGNATURE);
        }

        List<String> digestFields = request.headerValues("content-digest");
        if (digestRequired || !digestFields.isEmpty()) {
            Optional<byte[]> claimed;
            try {
                claimed = digestFields.isEmpty()
                        ? Optional.empty()
                        : ContentDigest.sha256(String.join(", ", digestFields));
            } catch (SignatureException e) {
                return new Outcome.Rejected(5, "malformed content digest");
            }
            if (claimed.isEmpty()) {
                return new Outcome.Rejected(5, "content digest with sha-256 is required");
            }
            if (!Digests.constantTimeEquals(claimed.get(), bodySha256)) {
                return new Outcome.Rejected(5, "content digest mismatch");
            }
        }

        NonceStore.Claim claim = nonces.claim(signed.keyid(), signed.nonce(), clock.now(), skew.multipliedBy(2));
        if (claim instanceof NonceStore.Claim.Replayed) {
            return new Outcome.Rejected(6, "replayed nonce");
        }
        return new Outcome.Authenticated(user.get());
    }

    /**
     * The identity a request claims, without checking anything: for the {@code soft} and {@code off}
     * modes only.
     */
    public Optional<User> claimedIdentity(HttpRequestView request) {
        for (String input : request.headerValues("signature-input")) {
            int i = input.indexOf("keyid=\"");
            if (i >= 0 && input.length() >= i + 7 + 32) {
                String candidate = input.substring(i + 7, i + 7 + 32);
                if (EndpointId.isWellFormed(candidate)) {
                    return users.find(new EndpointId(candidate)).filter(u -> u.status() != UserStatus.REVOKED);
                }
            }
        }
        return Optional.empty();
    }
}
