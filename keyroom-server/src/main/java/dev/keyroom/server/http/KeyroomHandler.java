package dev.keyroom.server.http;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.protocol.Json;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.config.AuthMode;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's one handler. For each request, in order: a fresh request id; the client
 * address's ban and rate limit; for {@code /v1/...} the route's body ceiling, the signed headers
 * and their nonce (a request nobody signed, or a replay, ends here, its body unread), a
 * reservation of the in-flight budget for what the body declares, the body read (and hashed)
 * under the ceiling and its deadline, the digest, the identity's ban and rate limit; then the
 * route; then exactly one JSON response. The budget reservation and any spooled body are released
 * however the request ends; a body left unread by a refusal is drained for a moment after the
 * answer, so that the client reads the answer rather than a reset connection.
 * Every failure becomes the protocol's error body through {@link ErrorResponses}; an unexpected
 * one is logged with its request id and answered with a generic 500.
 */
public final class KeyroomHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(KeyroomHandler.class);

    private final Router router;
    private final CallerAuthentication callers;
    private final BodyReader bodies;
    private final RequestIds ids;
    private final ClientAddresses addresses;
    private final RequestGate gate;
    private final dev.keyroom.core.audit.AuditLog audit;

    public KeyroomHandler(
            Router router,
            RequestAuthenticator authenticator,
            AuthMode mode,
            RequestIds ids,
            ClientAddresses addresses,
            RequestGate gate,
            Path spoolDir,
            dev.keyroom.core.audit.AuditLog audit,
            dev.keyroom.server.replication.SiteRole site) {
        this.router = router;
        this.site = site;
        this.callers = new CallerAuthentication(authenticator, mode, audit);
        this.bodies = new BodyReader(gate, spoolDir);
        this.ids = ids;
        this.addresses = addresses;
        this.gate = gate;
        this.audit = audit;
    }

    /** Whether this site takes client writes: a backup or a fenced former primary does not (REPL-4, REPL-7). */
    private final dev.keyroom.server.replication.SiteRole site;

    /**
     * The one write a backup takes from a client: its promotion, by an admin (REPL-7). A console
     * login link is taken too: it changes nothing of the store.
     */
    public static final String PROMOTE_PATH = "/v1/replication/promote";

    /** The header that names the primary on a backup's refusal of a write. */
    public static final String PRIMARY_HEADER = "Keyroom-Primary";

    /**
     * What must be audited (LOG-4): every write and every secret read. A write gets a {@code started}
     * entry once authenticated and before the route runs, so that while the log cannot be written it
     * fails closed (503) without changing anything, and an outcome entry after. A secret read gets
     * its entry after the value is read and before it is sent: if it cannot be written, the value
     * is not served.
     */
    static boolean mustAudit(String method, String path) {
        if (path == null || !path.startsWith("/v1/")) {
            return false;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        return !read || SECRET_READ.matcher(path).matches();
    }

    private static final java.util.regex.Pattern SECRET_READ =
            java.util.regex.Pattern.compile("^/v1/rooms/[^/]+/secrets/.+$");

    /** Denials and authentication failures are audited too, whatever was asked (AZ-6, LOG-4). */
    private static boolean isDenial(int status) {
        return status == 401 || status == 403;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        String id = ids.next();
        request.setAttribute(RequestIds.ATTRIBUTE, id);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(RequestIds.HEADER, id);
        InetAddress client = addresses.resolve(request);
        String caller = "-";
        User[] who = new User[1];
        ErrorCode failed = ErrorCode.INTERNAL;
        int status;
        byte[] out;
        Reply.Stream stream = null;
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String resource = path;
        boolean mustAudit = mustAudit(method, path);
        try {
            gate.admitAddress(client, headers);
            // Writes are recorded before they run; a secret read only before its value is sent.
            boolean before = mustAudit && !method.equals("GET") && !method.equals("HEAD");
            Dispatched d = dispatch(
                    request,
                    headers,
                    id,
                    client,
                    who,
                    before ? (client == null ? "-" : client.getHostAddress()) : null);
            caller = d.caller == null ? "-" : d.caller.endpoint().shortForm();
            status = d.reply.status();
            resource = d.reply.resource() == null ? path : d.reply.resource();
            if (d.reply.body() instanceof Reply.Stream s) {
                stream = s;
                out = null;
            } else if (d.reply.body() instanceof Reply.Rendered r) {
                out = r.json();
            } else {
                out = d.reply.body() == null ? null : Json.write(d.reply.body());
            }
        } catch (KeyroomException e) {
            failed = e.code();
            status = ErrorResponses.status(e.code());
            out = ErrorResponses.body(e.code(), e.getMessage(), id);
            if (e.code() == ErrorCode.INTERNAL) {
                log.atError().addKeyValue("request_id", id).setCause(e).log("internal error");
            }
        } catch (RuntimeException | Error e) {
            status = 500;
            out = ErrorResponses.body(ErrorCode.INTERNAL, null, id);
            log.atError().addKeyValue("request_id", id).setCause(e).log("unexpected failure");
        }
        if (mustAudit || isDenial(status) || (status == 404 && who[0] != null)) {
            try {
                audit.record(new dev.keyroom.core.audit.AuditEvent(
                        who[0] == null ? "-" : who[0].endpoint().value(),
                        method,
                        resource,
                        status < 400 ? String.valueOf(status) : status + " " + failed.wireName(),
                        id,
                        client == null ? "-" : client.getHostAddress()));
            } catch (KeyroomException e) {
                if (mustAudit && status < 400 && (method.equals("GET") || method.equals("HEAD"))) {
                    // A secret read is not served without its outcome entry. (A write that ran has
                    // its started entry, and its client is told what happened.)
                    status = ErrorResponses.status(e.code());
                    out = ErrorResponses.body(e.code(), "audit unavailable", id);
                    if (stream != null && stream.in() != null) {
                        try {
                            stream.in().close();
                        } catch (IOException ignored) {
                            // nothing was sent from it
                        }
                    }
                    stream = null;
                }
            }
        }
        response.setStatus(status);
        log.atInfo()
                .addKeyValue("request_id", id)
                .addKeyValue("method", request.getMethod())
                .addKeyValue("path", request.getHttpURI().getPath())
                .addKeyValue("status", status)
                .addKeyValue("caller", caller)
                .addKeyValue("remote", client == null ? "-" : client.getHostAddress())
                .addKeyValue("micros", (System.nanoTime() - started) / 1000)
                .log("request");
        if (stream != null) {
            writeStream(response, stream, callback);
        } else if (out == null) {
            callback.succeeded();
        } else {
            headers.put(HttpHeader.CONTENT_TYPE, "application/json");
            if (status >= 400 && status != 408 && BodyReader.declaredLength(request) != 0) {
                answerThenDrain(request, response, out, gate.capFor(method, path), callback);
            } else {
                response.write(true, ByteBuffer.wrap(out), callback);
            }
        }
        return true;
    }

    private record Dispatched(Reply reply, User caller) {}

    /**
     * A refusal that may come before the body was read (a bad signature, the budget, a backup's
     * refusal of writes): the answer goes first, then what the client is still sending is read and
     * dropped for a moment (BodyReader.drain), so that it reads the answer instead of a connection
     * reset. Nothing is reserved for it.
     */
    private void answerThenDrain(Request request, Response response, byte[] out, long cap, Callback callback) {
        try (Blocker.Callback sent = Blocker.callback()) {
            response.write(true, ByteBuffer.wrap(out), sent);
            sent.block();
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        bodies.drain(request, cap);
        callback.succeeded();
    }

    /** Streams raw bytes on this (virtual) thread, blocking; a HEAD reply sends headers only. */
    private static void writeStream(Response response, Reply.Stream s, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, s.length());
        if (s.in() == null) {
            callback.succeeded();
            return;
        }
        try (InputStream in = s.in();
                java.io.OutputStream out = Content.Sink.asOutputStream(response)) {
            in.transferTo(out);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    /** {@code auditFrom}: the client's address when the request must be audited before it runs. */
    private Dispatched dispatch(
            Request request, HttpFields.Mutable headers, String id, InetAddress client, User[] who, String auditFrom) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith("/v1/")) {
            Router.Match m = router.match(method, path);
            if (m instanceof Router.Match.Found f && f.route().access() == Router.Access.PUBLIC) {
                return new Dispatched(
                        f.route().handler().apply(new Call(f.params(), Map.of(), RequestBody.InMemory.EMPTY, null, id)),
                        null);
            }
            throw notFoundOr(m);
        }
        Optional<String> readOnly = site.refusesWrites();
        if (readOnly.isPresent()
                && !method.equals("GET")
                && !method.equals("HEAD")
                && !(method.equals("POST") && path.equals(PROMOTE_PATH))
                && !(method.equals("POST") && path.equals(ConsoleTicketRoutes.PATH))) {
            // Before the body is read or anything is checked: a backup takes no client writes at all.
            site.primary().ifPresent(p -> headers.put(PRIMARY_HEADER, p));
            throw new KeyroomException(ErrorCode.READ_ONLY_REPLICA, readOnly.get());
        }
        long cap = gate.capFor(method, path);
        long declared = BodyReader.declaredLength(request);
        if (declared > cap) {
            throw new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, "request body too large");
        }
        // The headers first: a request nobody signed is refused before its body is read, and holds
        // nothing of the in-flight budget (DOS-2).
        CallerAuthentication.Signer signer = callers.headers(request, declared != 0, headers);
        try (InflightBudget.Reservation held = gate.reserve(
                        Math.max(declared, 0), client, signer.user().endpoint(), headers);
                RequestBody body = bodies.read(request, held, declared, cap, gate.isBlobRoute(method, path), headers)) {
            User caller = callers.body(request, signer, body);
            who[0] = caller;
            if (caller.status() == UserStatus.LOCKED) {
                throw new KeyroomException(ErrorCode.AGENT_LOCKED, "this identity is locked; an admin must unlock it");
            }
            gate.admitIdentity(caller.endpoint(), headers);
            Router.Match m = router.match(method, path);
            if (!(m instanceof Router.Match.Found f)) {
                throw notFoundOr(m);
            }
            if (f.route().access() == Router.Access.ADMIN) {
                dev.keyroom.core.identity.Access.requireAdmin(caller);
            }
            if (body instanceof RequestBody.InMemory mem && mem.bytes().length > 0) {
                String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                    throw new KeyroomException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "bodies must be application/json");
                }
            }
            if (auditFrom != null) {
                audit.record(new dev.keyroom.core.audit.AuditEvent(
                        caller.endpoint().value(), method, path, "started", id, auditFrom));
            }
            Call call = new Call(f.params(), query(request.getHttpURI().getQuery()), body, caller, id);
            return new Dispatched(f.route().handler().apply(call), caller);
        }
    }

    private static KeyroomException notFoundOr(Router.Match m) {
        if (m instanceof Router.Match.WrongMethod) {
            return new KeyroomException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed");
        }
        return KeyroomException.notFound();
    }

    /** Parses a raw query; a parameter given twice is refused rather than guessed at. */
    public static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.put(k, v) != null) {
                    throw KeyroomException.badRequest("a query parameter is given twice");
                }
            } catch (IllegalArgumentException e) {
                throw KeyroomException.badRequest("malformed query");
            }
        }
        return out;
    }
}
