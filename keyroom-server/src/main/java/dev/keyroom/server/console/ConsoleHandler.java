package dev.keyroom.server.console;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.protocol.Json;
import dev.keyroom.server.http.Call;
import dev.keyroom.server.http.KeyroomHandler;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.RequestBody;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console listener's one handler. Every answer gets the console's headers ({@link
 * ConsoleHeaders}) and a request id; the client address's ban and rate limit apply as on the
 * client listener. Then either a file of the page ({@link ConsoleAssets}) or a call of the JSON API
 * under {@code /console/api/}: every call but the login needs the session cookie, and its session's
 * admin must still be an active admin, checked on every call (UI-2); every state-changing call must
 * come from one of the console's origins ({@code Origin}) and, but the login, carry the session's
 * CSRF token (UI-3). A state-changing call is audited before it runs (it fails closed when the log
 * cannot be written) and after; refusals of authentication are audited too. No CORS header is ever
 * sent.
 */
public final class ConsoleHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);

    public static final String COOKIE = "__Secure-keyroom-console";
    public static final String CSRF_HEADER = "X-Keyroom-CSRF";
    static final String API = "/console/api/";
    static final String SESSION = "/console/api/session";
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** What the handler answers. */
    record Answer(int status, byte[] body, String type, String cookie, String location) {
        static Answer json(int status, Object value) {
            return new Answer(status, value == null ? null : Json.write(value), "application/json", null, null);
        }

        static Answer error(KeyroomException e, String id) {
            return new Answer(
                    ErrorResponses.status(e.code()),
                    ErrorResponses.body(e.code(), e.getMessage(), id),
                    "application/json",
                    null,
                    null);
        }

        Answer withCookie(String c) {
            return new Answer(status, body, type, c, location);
        }
    }

    private final ConsoleAssets assets;
    private final Router router;
    private final ConsoleSessions sessions;
    private final Function<EndpointId, Optional<User>> activeAdmin;
    private final Supplier<Set<String>> origins;
    private final AuditLog audit;
    private final RequestIds ids;
    private final ClientAddresses addresses;
    private final RequestGate gate;
    private final SiteRole site;

    ConsoleHandler(
            ConsoleAssets assets,
            Router router,
            ConsoleSessions sessions,
            Function<EndpointId, Optional<User>> activeAdmin,
            Supplier<Set<String>> origins,
            AuditLog audit,
            RequestIds ids,
            ClientAddresses addresses,
            RequestGate gate,
            SiteRole site) {
        this.assets = assets;
        this.router = router;
        this.sessions = sessions;
        this.activeAdmin = activeAdmin;
        this.origins = origins;
        this.audit = audit;
        this.ids = ids;
        this.addresses = addresses;
        this.gate = gate;
        this.site = site;
    }

    /** One request's facts, and who it turned out to be from. */
    private static final class Exchange {
        final Request request;
        final Response response;
        final String id;
        final String method;
        final String path;
        final String remote;
        EndpointId actor;

        Exchange(Request request, Response response, String id, InetAddress client) {
            this.request = request;
            this.response = response;
            this.id = id;
            this.method = request.getMethod();
            this.path = request.getHttpURI().getPath();
            this.remote = client == null ? "-" : client.getHostAddress();
        }

        boolean writes() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        AuditEvent event(String outcome) {
            return new AuditEvent(actor == null ? "-" : actor.value(), method, path, outcome, id, remote);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        String id = ids.next();
        request.setAttribute(RequestIds.ATTRIBUTE, id);
        var headers = response.getHeaders();
        ConsoleHeaders.apply(headers);
        headers.put(RequestIds.HEADER, id);
        InetAddress client = addresses.resolve(request);
        Exchange x = new Exchange(request, response, id, client);
        Answer a;
        try {
            gate.admitAddress(client, headers);
            a = x.path != null && x.path.startsWith(API) ? api(x) : page(x);
        } catch (KeyroomException e) {
            if (e.code() == ErrorCode.INTERNAL) {
                log.atError().addKeyValue("request_id", id).setCause(e).log("internal error");
            }
            a = Answer.error(e, id);
        } catch (RuntimeException | Error e) {
            log.atError().addKeyValue("request_id", id).setCause(e).log("unexpected failure");
            a = Answer.error(new KeyroomException(ErrorCode.INTERNAL, "internal error"), id);
        }
        response.setStatus(a.status());
        if (x.writes() && a.status() >= 400) {
            // A write refused before its body was read (a foreign Origin is refused first): the body is left
            // unread and the connection ends, so say so rather than let a client reuse a closing connection.
            headers.put(HttpHeader.CONNECTION, "close");
        }
        if (a.cookie() != null) {
            headers.add(HttpHeader.SET_COOKIE, a.cookie());
        }
        if (a.location() != null) {
            headers.put(HttpHeader.LOCATION, a.location());
        }
        log.atInfo()
                .addKeyValue("request_id", id)
                .addKeyValue("method", x.method)
                .addKeyValue("path", x.path)
                .addKeyValue("status", a.status())
                .addKeyValue("caller", x.actor == null ? "-" : x.actor.shortForm())
                .addKeyValue("remote", x.remote)
                .addKeyValue("micros", (System.nanoTime() - started) / 1000)
                .log("console request");
        if (a.body() == null || x.method.equals("HEAD")) {
            if (a.body() != null) {
                headers.put(HttpHeader.CONTENT_TYPE, a.type());
                headers.put(HttpHeader.CONTENT_LENGTH, a.body().length);
            }
            callback.succeeded();
        } else {
            headers.put(HttpHeader.CONTENT_TYPE, a.type());
            response.write(true, ByteBuffer.wrap(a.body()), callback);
        }
        return true;
    }

    /** A file of the page; {@code /} and {@code /console} lead to {@code /console/}. */
    private Answer page(Exchange x) {
        if (x.method.equals("GET") || x.method.equals("HEAD")) {
            Optional<ConsoleAssets.Asset> asset = assets.find(x.path);
            if (asset.isPresent()) {
                ConsoleAssets.Asset a = asset.get();
                x.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                x.response.getHeaders().put(HttpHeader.ETAG, a.etag());
                if (a.etag().equals(x.request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
                    return new Answer(304, null, null, null, null);
                }
                return new Answer(200, a.bytes(), a.type(), null, null);
            }
            if ("/".equals(x.path) || "/console".equals(x.path)) {
                return new Answer(303, null, null, null, ConsoleAssets.ROOT);
            }
            throw KeyroomException.notFound();
        }
        throw assets.find(x.path).isPresent()
                ? new KeyroomException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed")
                : KeyroomException.notFound();
    }

    /** A call of the JSON API. */
    private Answer api(Exchange x) {
        boolean started = false;
        try {
            if (x.writes()) {
                requireOrigin(x.request);
            }
            byte[] body = x.writes() ? readBody(x.request) : new byte[0];
            Optional<String> token = cookie(x.request);
            if (x.path.equals(SESSION)) {
                return session(x, body, token);
            }
            String t = token.orElseThrow(
                    () -> unauthorized("no console session: log in with a link from keyroom console login"));
            ConsoleSessions.Session s = sessions.use(t)
                    .orElseThrow(() ->
                            unauthorized("the console session has ended: log in again with keyroom console login"));
            x.actor = s.admin();
            User admin = requireAdmin(s);
            if (x.writes()) {
                requireCsrf(t, x.request);
                Optional<String> readOnly = site.refusesWrites();
                if (readOnly.isPresent()) {
                    throw new KeyroomException(ErrorCode.READ_ONLY_REPLICA, readOnly.get());
                }
            }
            Router.Match m = router.match(x.method, x.path);
            if (!(m instanceof Router.Match.Found f)) {
                throw m instanceof Router.Match.WrongMethod
                        ? new KeyroomException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed")
                        : KeyroomException.notFound();
            }
            if (x.writes()) {
                audit.record(x.event("started"));
                started = true;
            }
            Reply r = f.route()
                    .handler()
                    .apply(new Call(
                            f.params(),
                            KeyroomHandler.query(x.request.getHttpURI().getQuery()),
                            new RequestBody.InMemory(body, Digests.sha256(body)),
                            admin,
                            x.id));
            if (x.writes()) {
                audit.recordRefusal(x.event(String.valueOf(r.status())));
            }
            return Answer.json(r.status(), r.body());
        } catch (KeyroomException e) {
            int status = ErrorResponses.status(e.code());
            if (started || status == 401 || status == 403) {
                audit.recordRefusal(x.event(status + " " + e.code().wireName()));
            }
            throw e;
        }
    }

    /** {@code POST}: log in with a ticket; {@code GET}: the session and its CSRF token; {@code DELETE}: log out. */
    private Answer session(Exchange x, byte[] body, Optional<String> token) {
        switch (x.method) {
            case "POST" -> {
                LoginRequest login = Json.read(body, LoginRequest.class);
                EndpointId admin = sessions.redeem(login.ticket())
                        .orElseThrow(() -> unauthorized("this login link was used already or is older than 60 seconds:"
                                + " make a new one with keyroom console login"));
                x.actor = admin;
                User user = activeAdmin
                        .apply(admin)
                        .orElseThrow(() -> unauthorized("the link's admin is no longer an active admin"));
                audit.record(x.event("started"));
                token.flatMap(sessions::use).ifPresent(sessions::end);
                ConsoleSessions.Opened o = sessions.open(admin);
                audit.recordRefusal(x.event("201"));
                return Answer.json(201, SessionView.of(user, o.session(), o.csrf()))
                        .withCookie(COOKIE + "=" + o.token() + "; Path=/console; Secure; HttpOnly; SameSite=Strict;"
                                + " Max-Age=" + ConsoleSessions.ABSOLUTE.toSeconds());
            }
            case "GET", "DELETE" -> {
                String t = token.orElseThrow(() -> unauthorized("no console session"));
                ConsoleSessions.Session s =
                        sessions.use(t).orElseThrow(() -> unauthorized("the console session has ended"));
                x.actor = s.admin();
                User admin = requireAdmin(s);
                if (x.method.equals("GET")) {
                    return Answer.json(200, SessionView.of(admin, s, sessions.csrf(t)));
                }
                requireCsrf(t, x.request);
                audit.record(x.event("started"));
                sessions.end(s);
                audit.recordRefusal(x.event("204"));
                return new Answer(
                        204,
                        null,
                        null,
                        COOKIE + "=; Path=/console; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
                        null);
            }
            default -> throw new KeyroomException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed");
        }
    }

    /** The body of a login. */
    record LoginRequest(String ticket) {}

    private User requireAdmin(ConsoleSessions.Session s) {
        Optional<User> admin = activeAdmin.apply(s.admin());
        if (admin.isEmpty()) {
            sessions.end(s);
            throw unauthorized("the console session has ended: its admin is no longer an active admin");
        }
        return admin.get();
    }

    /** UI-3: a state-changing call comes from the console's own origin; a missing {@code Origin} is refused too. */
    private void requireOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || !origins.get().contains(origin.toLowerCase(Locale.ROOT))) {
            throw new KeyroomException(
                    ErrorCode.FORBIDDEN, "a state-changing call must come from the console's own origin");
        }
    }

    private void requireCsrf(String token, Request request) {
        if (!sessions.csrfMatches(token, request.getHeaders().get(CSRF_HEADER))) {
            throw new KeyroomException(ErrorCode.FORBIDDEN, "missing or wrong " + CSRF_HEADER + " header");
        }
    }

    /** The session cookie's value; two cookies of that name are refused rather than guessed at. */
    static Optional<String> cookie(Request request) {
        String found = null;
        for (String header : request.getHeaders().getValuesList(HttpHeader.COOKIE)) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                if (p.startsWith(COOKIE + "=")) {
                    if (found != null) {
                        throw unauthorized("two console session cookies were sent");
                    }
                    found = p.substring(COOKIE.length() + 1);
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** A JSON body of at most {@link #MAX_BODY_BYTES}; none is fine. */
    private static byte[] readBody(Request request) {
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) {
            throw new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, "request body too large");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new KeyroomException(ErrorCode.PAYLOAD_TOO_LARGE, "request body too large");
        }
        if (body.length > 0) {
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new KeyroomException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "bodies must be application/json");
            }
        }
        return body;
    }

    private static KeyroomException unauthorized(String message) {
        return new KeyroomException(ErrorCode.UNAUTHORIZED, message);
    }
}
