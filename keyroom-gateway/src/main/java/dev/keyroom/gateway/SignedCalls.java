package dev.keyroom.gateway;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.ContentDigest;
import dev.keyroom.protocol.signature.HttpRequestView;
import dev.keyroom.protocol.signature.RequestSigner;
import dev.keyroom.protocol.signature.SignatureException;
import dev.keyroom.protocol.signature.SignatureVerifier;
import dev.keyroom.protocol.signature.SignedRequest;
import dev.keyroom.server.auth.Authorities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks an agent's signed request to the gateway (GW-4), as the Keyroom server checks its own
 * (RFC 9421 with Ed25519): on profile, created within the skew window and not before the gateway
 * started (nonces are remembered in memory only, so nothing signed before a restart is accepted
 * after it), signed for this gateway's authority by an agent that some live grant names, the body
 * matching its digest, the nonce never seen. Refusals never tell an unknown key from a bad signature.
 */
final class SignedCalls {
    private final NonceStore nonces;
    private final Clock clock;
    private final Duration skew;
    private final Instant fence;

    SignedCalls(NonceStore nonces, Clock clock, Duration skew) {
        this.nonces = nonces;
        this.clock = clock;
        this.skew = skew;
        this.fence = clock.now();
    }

    EndpointId verify(HttpRequestView request, byte[] body, Policy policy, Authorities authorities) {
        boolean digestRequired = RequestSigner.digestRequired(request.method(), body.length > 0);
        SignedRequest signed;
        try {
            signed = SignedRequest.parse(
                    request.headerValues("signature-input"), request.headerValues("signature"), digestRequired);
        } catch (SignatureException e) {
            throw unauthorized("malformed signature: " + e.getMessage());
        }
        long now = clock.epochSecond();
        if (Math.abs(signed.created() - now) > skew.toSeconds() || signed.expires() != null && signed.expires() < now) {
            throw unauthorized("clock skew or expired signature");
        }
        if (signed.created() < fence.getEpochSecond()) {
            throw unauthorized("signed before the gateway started at " + fence + "; sign again");
        }
        if (!authorities.accepts(request.scheme(), request.authority())) {
            throw unauthorized("authority is not this gateway's");
        }
        Optional<byte[]> key = policy.agentKey(signed.keyid());
        if (key.isEmpty() || !SignatureVerifier.verify(signed.params(), request, key.get(), signed.signature())) {
            throw unauthorized("unknown key or bad signature (only agents named by a live grant open sessions)");
        }
        List<String> digest = request.headerValues("content-digest");
        if (digestRequired || !digest.isEmpty()) {
            Optional<byte[]> claimed;
            try {
                claimed = digest.isEmpty() ? Optional.empty() : ContentDigest.sha256(String.join(", ", digest));
            } catch (SignatureException e) {
                throw unauthorized("malformed content digest");
            }
            if (claimed.isEmpty() || !Digests.constantTimeEquals(claimed.get(), Digests.sha256(body))) {
                throw unauthorized("content digest mismatch");
            }
        } else if (body.length > 0) {
            throw unauthorized("content digest with sha-256 is required");
        }
        if (nonces.claim(signed.keyid(), signed.nonce(), clock.now(), skew.multipliedBy(2))
                instanceof NonceStore.Claim.Replayed) {
            throw unauthorized("replayed nonce");
        }
        return signed.keyid();
    }

    private static Refusal unauthorized(String why) {
        return new Refusal(401, "unauthorized", why);
    }
}
