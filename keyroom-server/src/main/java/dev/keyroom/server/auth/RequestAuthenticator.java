package dev.keyroom.server.auth;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.ContentDigest;
import dev.keyroom.protocol.signature.HttpRequestView;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureException;
import dev.keyroom.protocol.signature.SignatureVerifier;
import dev.keyroom.protocol.signature.SignedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The per-request authentication of the protocol (AUTH-4): (1) signature fields present and on
 * profile, (2) {@code created} within the skew window and not before this node's replay fence,
 * (3) {@code keyid} an active user, (4) the authority is ours and the signature verifies, (6) the
 * nonce was never seen, then (5) the body matches its digest.
 *
 * <p>All but the digest read the headers only ({@link #verifyHeaders}), so a request nobody signed
 * is refused before a byte of its body is read and never holds server capacity. The nonce is
 * claimed there too, before the body: a captured header set is good for one request, and its
 * replays cannot hold their victim's share of the in-flight budget while a body trickles in (ADR
 * 0005). Unknown or revoked keys and bad signatures still never reach the nonce store, so they
 * cannot fill it. The signature covers {@code Content-Digest}, so what the body must hash to is
 * fixed before it arrives; {@link #verifyBody} checks it once the body is read.
 *
 * <p>The replay fence (AUTH-3): a node that cannot know every nonce it accepted before now (it
 * stopped without saving them, or it is a backup promoted in place of a primary that accepted
 * requests it never saw) refuses every request created before {@code notBefore}, which lies past
 * the end of the window in which any of those requests was still valid. The refusal carries the
 * fence, so an honest client signs again at once with {@code created} at or after it.
 */
public final class RequestAuthenticator {
    /** The outcome of authentication. */
    public sealed interface Outcome {
        record Authenticated(User user) implements Outcome {}

        /**
         * Refused at {@code step}; {@code reason} is safe to send and never tells an unknown key from
         * a bad signature. {@code notBefore}, when present, is the replay fence the request fell
         * before.
         */
        record Rejected(int step, String reason, Optional<Instant> notBefore) implements Outcome {
            Rejected(int step, String reason) {
                this(step, reason, Optional.empty());
            }
        }
    }

    /** The headers passed, their nonce claimed: who signed, and what the body must hash to. */
    public record Verified(User user, Optional<byte[]> claimedDigest) implements Outcome {}

    static final String KEY_OR_SIGNATURE = "unknown key or bad signature";

    private final UserDirectory users;
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration skew;
    private final Authorities authorities;
    private final Supplier<Optional<Instant>> notBefore;

    public RequestAuthenticator(
            UserDirectory users,
            NonceStore nonces,
            Clock clock,
            Duration skew,
            Authorities authorities,
            Supplier<Optional<Instant>> notBefore) {
        this.users = users;
        this.nonces = nonces;
        this.clock = clock;
        this.skew = skew;
        this.authorities = authorities;
        this.notBefore = notBefore;
    }

    /**
     * Every step but the digest, on the headers alone, for a request that has a body ({@code
     * hasBody}) or not. Returns {@link Verified} or {@link Outcome.Rejected}.
     */
    public Outcome verifyHeaders(HttpRequestView request, boolean hasBody) {
        boolean digestRequired = RequestSigner.digestRequired(request.method(), hasBody);
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
        Optional<Instant> fence = notBefore.get();
        if (fence.isPresent() && signed.created() < fence.get().getEpochSecond()) {
            return new Outcome.Rejected(
                    2,
                    "signed before " + fence.get() + ", when this node's record of nonces begins (after an"
                            + " unclean stop or a promotion); sign again with created at or after it",
                    fence);
        }

        Optional<User> user = users.find(signed.keyid());
        if (user.isEmpty() || user.get().status() == UserStatus.REVOKED) {
            return new Outcome.Rejected(3, KEY_OR_SIGNATURE);
        }

        if (!authorities.accepts(request.scheme(), request.authority())) {
            return new Outcome.Rejected(4, "authority is not one of this server's");
        }
        if (!SignatureVerifier.verify(signed.params(), request, user.get().signPub(), signed.signature())) {
            return new Outcome.Rejected(4, KEY_OR_SIGNATURE);
        }

        List<String> digestFields = request.headerValues("content-digest");
        Optional<byte[]> claimed = Optional.empty();
        if (digestRequired || !digestFields.isEmpty()) {
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
        }
        NonceStore.Claim claim = nonces.claim(signed.keyid(), signed.nonce(), clock.now(), skew.multipliedBy(2));
        if (claim instanceof NonceStore.Claim.Replayed) {
            return new Outcome.Rejected(6, "replayed nonce");
        }
        return new Verified(user.get(), claimed);
    }

    /**
     * The digest, once the body of a request whose headers passed is read: {@code bodyLength} bytes
     * hashing to {@code bodySha256}.
     */
    public Outcome verifyBody(Verified headers, long bodyLength, byte[] bodySha256) {
        if (headers.claimedDigest().isEmpty()) {
            if (bodyLength > 0) {
                // The signature does not cover a digest, so it does not cover this body.
                return new Outcome.Rejected(5, "content digest with sha-256 is required");
            }
        } else if (!Digests.constantTimeEquals(headers.claimedDigest().get(), bodySha256)) {
            return new Outcome.Rejected(5, "content digest mismatch");
        }
        return new Outcome.Authenticated(headers.user());
    }

    /** All six steps, for a request whose body is already read. */
    public Outcome authenticate(HttpRequestView request, long bodyLength, byte[] bodySha256) {
        Outcome headers = verifyHeaders(request, bodyLength > 0);
        return headers instanceof Verified v ? verifyBody(v, bodyLength, bodySha256) : headers;
    }

    /**
     * The identity a request claims, without checking anything: for the {@code soft} and {@code off}
     * modes only.
     */
    public Optional<User> claimedIdentity(HttpRequestView request) {
        return claimedKeyId(request)
                .flatMap(k -> users.find(new EndpointId(k)).filter(u -> u.status() != UserStatus.REVOKED));
    }

    /** The well-formed key id a request names, checked for nothing else: for logs and the modes above. */
    public static Optional<String> claimedKeyId(HttpRequestView request) {
        for (String input : request.headerValues("signature-input")) {
            int i = input.indexOf("keyid=\"");
            if (i >= 0 && input.length() >= i + 7 + 32) {
                String candidate = input.substring(i + 7, i + 7 + 32);
                if (EndpointId.isWellFormed(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
