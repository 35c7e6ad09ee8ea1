package dev.keyroom.server.http;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.server.auth.JettyRequestView;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.config.AuthMode;
import dev.keyroom.server.web.RequestIds;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who made a request, in the node's auth mode (AUTH-4, AUTH-5), in two halves around the body:
 * the signed headers and their nonce before it is read, the digest after. In {@code enforce} a
 * failure is a 401; in {@code soft} it is logged and audited, then the request goes on as the
 * identity it claims; in {@code off} nothing is checked and the claimed identity acts.
 */
final class CallerAuthentication {
    private static final Logger log = LoggerFactory.getLogger(CallerAuthentication.class);

    /** On a 401 for a request signed before the replay fence: the Unix time to sign at or after. */
    static final String NOT_BEFORE_HEADER = "Keyroom-Not-Before";

    private final RequestAuthenticator authenticator;
    private final AuthMode mode;
    private final AuditLog audit;

    CallerAuthentication(RequestAuthenticator authenticator, AuthMode mode, AuditLog audit) {
        this.authenticator = authenticator;
        this.mode = mode;
        this.audit = audit;
    }

    /**
     * Who a request's headers say signed it: checked, its nonce claimed, and waiting for the body's
     * digest; or, in {@code soft} after a failure and in {@code off}, only claimed.
     */
    record Signer(User user, Optional<RequestAuthenticator.Verified> pending) {}

    /** Every step but the digest, before the body is read; a refusal sets its headers on {@code headers}. */
    Signer headers(Request request, boolean hasBody, HttpFields.Mutable headers) {
        JettyRequestView view = new JettyRequestView(request);
        if (mode == AuthMode.OFF) {
            return new Signer(
                    authenticator
                            .claimedIdentity(view)
                            .orElseThrow(() -> KeyroomException.unauthorized("no identity claimed")),
                    Optional.empty());
        }
        return switch (authenticator.verifyHeaders(view, hasBody)) {
            case RequestAuthenticator.Verified v -> new Signer(v.user(), Optional.of(v));
            case RequestAuthenticator.Outcome.Rejected r ->
                new Signer(rejected(request, view, r, headers), Optional.empty());
            case RequestAuthenticator.Outcome.Authenticated a -> throw new IllegalStateException("headers alone");
        };
    }

    /** The digest, once {@code body} is read: the caller, or a refusal. */
    User body(Request request, Signer signer, RequestBody body) {
        if (signer.pending().isEmpty()) {
            return signer.user();
        }
        return switch (authenticator.verifyBody(signer.pending().get(), body.length(), body.sha256())) {
            case RequestAuthenticator.Outcome.Authenticated a -> a.user();
            case RequestAuthenticator.Outcome.Rejected r ->
                rejected(request, new JettyRequestView(request), r, HttpFields.build());
            case RequestAuthenticator.Verified v -> throw new IllegalStateException("the body is checked");
        };
    }

    /**
     * A failed authentication: logged; refused with 401 in {@code enforce} (with the replay fence the
     * request fell before, if that was why); in {@code soft}, let through as the identity it claims
     * once the failure is audited (AUTH-5; without the audit log, 503).
     */
    private User rejected(
            Request request,
            JettyRequestView view,
            RequestAuthenticator.Outcome.Rejected r,
            HttpFields.Mutable headers) {
        log.atWarn()
                .addKeyValue("request_id", request.getAttribute(RequestIds.ATTRIBUTE))
                .addKeyValue("key_id", RequestAuthenticator.claimedKeyId(view).orElse("-"))
                .addKeyValue("step", r.step())
                .addKeyValue("reason", r.reason())
                .addKeyValue("remote", Request.getRemoteAddr(request))
                .addKeyValue("mode", mode.wireName())
                .log("authentication failed");
        if (mode == AuthMode.SOFT) {
            Optional<User> claimed = authenticator.claimedIdentity(view);
            audit.record(new AuditEvent(
                    claimed.map(u -> u.endpoint().value()).orElse("-"),
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    "soft auth failure: " + r.step(),
                    String.valueOf(request.getAttribute(RequestIds.ATTRIBUTE)),
                    Request.getRemoteAddr(request)));
            if (claimed.isPresent()) {
                return claimed.get();
            }
        }
        r.notBefore().ifPresent(t -> headers.put(NOT_BEFORE_HEADER, Long.toString(t.getEpochSecond())));
        throw KeyroomException.unauthorized(r.reason());
    }
}
