package dev.keyroom.gateway;

import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.port.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards one request read inside a tunnel (GW-1, GW-2, GW-5, GW-6, GW-8). Refused unless the
 * tunnel's session and grants still hold, the path is plain, a grant allows the method and path, the
 * grant's rate and budget have room and the audit log can write; then the credential is injected,
 * any copy of it the agent sent is dropped, and the request goes to the address the gateway checked
 * over validated TLS, redirects not followed. The response comes back with hop-by-hop headers
 * removed and every echo of the credential masked, in headers and across body chunks. The body is
 * streamed, never logged; its size is capped.
 */
final class Forwarder {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Forwarder.class);

    static final String MASK = "[masked by keyroom]";

    /** The bounds of a forwarded call. */
    record Limits(long maxRequestBytes, long timeoutMillis, int maxInFlight, int maxInFlightPerAgent) {}

    private final PolicySource policy;
    private final Tunnels tunnels;
    private final Credentials credentials;
    private final GrantMeter meter;
    private final Upstreams upstreams;
    private final GatewayAudit audit;
    private final Clock clock;
    private final Limits limits;
    private final Semaphore inFlight;
    private final java.util.Map<dev.keyroom.core.identity.EndpointId, java.util.concurrent.atomic.AtomicInteger>
            perAgent = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each live grant's injection and mask, made once per grant and secret version. */
    private final java.util.Map<String, Prepared> prepared = new java.util.concurrent.ConcurrentHashMap<>();

    /** What a grant injects, and the mask of its forms. */
    private record Prepared(Injection injection, EchoMask mask) {}

    Forwarder(
            PolicySource policy,
            Tunnels tunnels,
            Credentials credentials,
            GrantMeter meter,
            Upstreams upstreams,
            GatewayAudit audit,
            Clock clock,
            Limits limits) {
        this.policy = policy;
        this.tunnels = tunnels;
        this.credentials = credentials;
        this.meter = meter;
        this.upstreams = upstreams;
        this.audit = audit;
        this.clock = clock;
        this.limits = limits;
        this.inFlight = new Semaphore(limits.maxInFlight());
    }

    void forward(Tunnel t, Request request, Response response, Callback callback, String requestId) {
        long started = System.nanoTime();
        String method = request.getMethod();
        String rawPath = request.getHttpURI().getPath();
        String rawQuery = request.getHttpURI().getQuery();
        String shown = (rawPath == null ? "" : rawPath) + SafePath.queryNames(rawQuery);
        InetAddress remote = ProxyHandler.remote(request);
        LiveGrant grant = null;
        try {
            Instant now = clock.now();
            if (policy.stale()) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                throw new Refusal(
                        503,
                        "gateway_stale",
                        "the gateway has not heard from the Keyroom server for too long and honours no grant until it"
                                + " does; retry shortly");
            }
            Policy p = policy.current();
            String ended = tunnels.why(t, p, now);
            if (ended != null) {
                throw new Refusal(403, "tunnel_ended", ended);
            }
            String path = SafePath.check(rawPath);
            SafePath.checkQuery(rawQuery);
            for (String other : SafePath.methodOverrides(rawQuery)) {
                if (p.match(t.session().agent(), t.authority(), other, path, now)
                        .isEmpty()) {
                    throw Refusal.noGrant(other + " (asked by _method) " + t.authority() + path);
                }
            }
            grant = p.match(t.session().agent(), t.authority(), method, path, now)
                    .orElseThrow(() -> Refusal.noGrant(method + " " + t.authority() + path));
            long declared = request.getLength();
            if (declared > limits.maxRequestBytes()) {
                throw new Refusal(
                        413,
                        "payload_too_large",
                        "request bodies through the gateway are at most " + limits.maxRequestBytes() + " bytes");
            }
            GrantMeter.Decision d = meter.take(grant);
            rateHeaders(response.getHeaders(), grant, d);
            if (!d.admitted()) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, d.resetSeconds())));
                throw new Refusal(
                        429,
                        "rate_limited",
                        "the grant's "
                                + ("budget".equals(d.exhausted())
                                        ? "daily budget of " + grant.doc().budgetPerDay()
                                        : "rate of " + grant.doc().ratePerMinute() + " a minute")
                                + " is used up");
            }
            audit.requireAvailable();
            java.util.concurrent.atomic.AtomicInteger mine =
                    perAgent.computeIfAbsent(t.session().agent(), a -> new java.util.concurrent.atomic.AtomicInteger());
            if (mine.incrementAndGet() > limits.maxInFlightPerAgent() || !inFlight.tryAcquire()) {
                mine.decrementAndGet();
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                throw new Refusal(503, "overloaded", "too many calls in flight, yours or the gateway's; retry shortly");
            }
            try {
                long[] bytes = send(t, grant, request, response, path, rawQuery);
                callback.succeeded();
                try {
                    audit.call(
                            t.session().agent(),
                            grant.id(),
                            method,
                            t.authority(),
                            shown,
                            response.getStatus(),
                            "ok",
                            bytes[0],
                            bytes[1],
                            millis(started),
                            requestId,
                            remote);
                } catch (RuntimeException e) {
                    // The answer is sent; the log is now failed and refuses the next call (requireAvailable).
                    log.error("cannot audit a forwarded call: {}", e.getMessage());
                }
                return;
            } finally {
                inFlight.release();
                mine.decrementAndGet();
            }
        } catch (RuntimeException e) {
            // Anything unforeseen becomes a refusal of ours: an exception's own message may quote the
            // upstream URL, query-injected credential included, and must never reach the agent.
            if (!(e instanceof Refusal)) {
                // LogGuard withholds this line should the exception quote a credential.
                log.error("forwarding a call to {} failed unexpectedly", t.authority(), e);
            }
            Refusal r = e instanceof Refusal known
                    ? known
                    : new Refusal(500, "gateway_error", "the gateway could not forward this call");
            audit.call(
                    t.session().agent(),
                    grant == null ? null : grant.id(),
                    method,
                    t.authority(),
                    shown,
                    r.status,
                    r.code,
                    0,
                    0,
                    millis(started),
                    requestId,
                    remote);
            if (response.isCommitted()) {
                callback.failed(r);
            } else {
                r.send(response, callback, requestId, false);
            }
        }
    }

    /** Sends the call upstream and streams the answer back; the bytes of the request and response bodies. */
    private long[] send(Tunnel t, LiveGrant grant, Request request, Response response, String path, String rawQuery) {
        Prepared ready = prepare(grant);
        Injection injection = ready.injection();
        EchoMask mask = ready.mask();
        String query = Shaping.query(rawQuery, injection);
        String uri = "https://" + t.authority() + path + (query.isEmpty() ? "" : "?" + query);
        HttpClient client = upstreams.client(grant);
        CountingInput body = new CountingInput(Content.Source.asInputStream(request), limits.maxRequestBytes());
        InputStreamResponseListener listener = new InputStreamResponseListener();
        org.eclipse.jetty.client.Request out = client.newRequest(uri)
                .method(request.getMethod())
                .timeout(limits.timeoutMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> Shaping.requestHeaders(request.getHeaders(), h, injection));
        upstreams.prepare(out, grant);
        if (request.getLength() != 0 && !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            out.body(new InputStreamRequestContent(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body));
        }
        out.send(listener);
        org.eclipse.jetty.client.Response up;
        try {
            up = listener.get(limits.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(503, "interrupted", "the gateway is stopping");
        } catch (TimeoutException e) {
            out.abort(e);
            throw new Refusal(504, "upstream_timeout", "the upstream " + t.authority() + " did not answer in time");
        } catch (ExecutionException e) {
            if (body.overLimit) {
                throw new Refusal(
                        413,
                        "payload_too_large",
                        "request bodies through the gateway are at most " + limits.maxRequestBytes() + " bytes");
            }
            throw Upstreams.refusalFor(e.getCause(), t.authority());
        }
        String encoding = up.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            // Asked for identity, the upstream compressed anyway: an echo inside could not be masked.
            try {
                listener.close();
            } catch (IOException ignored) {
                // The answer is refused either way.
            }
            throw new Refusal(
                    502,
                    "upstream_encoded",
                    "the upstream " + t.authority()
                            + " answered with Content-Encoding " + encoding
                            + " although asked for identity; the gateway"
                            + " cannot check such an answer for the credential");
        }
        response.setStatus(up.getStatus());
        HttpFields.Mutable headers = response.getHeaders();
        for (HttpField f : up.getHeaders()) {
            String name = f.getName().toLowerCase(Locale.ROOT);
            // The gateway's own Date goes out with every answer; the upstream's would be a second one.
            if (!Shaping.HOP.contains(name) && !name.startsWith("ratelimit") && !"date".equals(name)) {
                headers.add(f.getName(), mask.maskText(f.getValue()));
            }
        }
        long sent = 0;
        try (InputStream in = listener.getInputStream()) {
            // Each chunk is written once the next one is read, so that the last one goes out with the
            // end of the answer in one write: a short answer costs one TLS record, not two.
            EchoMask.Stream s = mask.stream();
            byte[] buf = new byte[readBufferSize(up.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH))];
            byte[] held = null;
            for (int n; (n = in.read(buf)) >= 0; ) {
                byte[] safe = s.feed(buf, 0, n);
                if (safe.length == 0) {
                    continue;
                }
                if (held != null) {
                    write(response, false, held);
                    sent += held.length;
                }
                held = safe;
            }
            byte[] rest = s.finish();
            byte[] last = held == null ? rest : rest.length == 0 ? held : concat(held, rest);
            write(response, true, last);
            sent += last.length;
        } catch (IOException e) {
            throw new Refusal(502, "upstream_broken", "the connection to " + t.authority() + " broke mid-answer");
        }
        return new long[] {body.count, sent};
    }

    /** A buffer the answer fits in when it is short (most are), at most 16 KiB. */
    static int readBufferSize(long contentLength) {
        return contentLength >= 0 && contentLength < 16 * 1024 ? (int) Math.max(256, contentLength + 1) : 16 * 1024;
    }

    private static void write(Response response, boolean last, byte[] bytes) throws IOException {
        try (Blocker.Callback done = Blocker.callback()) {
            response.write(last, java.nio.ByteBuffer.wrap(bytes), done);
            done.block();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Prepared prepare(LiveGrant grant) {
        Prepared p = prepared.get(grant.fingerprint());
        if (p != null) {
            return p;
        }
        SecretBytes value = credentials
                .get(Credentials.Key.of(grant))
                .orElseThrow(
                        () -> new Refusal(503, "not_ready", "the gateway has not unsealed this grant's secret yet"));
        try {
            Injection injection = Injection.of(grant.doc().inject(), value);
            p = new Prepared(
                    injection,
                    new EchoMask(injection.echoes(), MASK.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IllegalStateException e) {
            throw new Refusal(502, "bad_secret", "the grant's secret cannot be injected: " + e.getMessage());
        }
        prepared.put(grant.fingerprint(), p);
        return p;
    }

    /** Drops what was prepared for grants (or secret versions) {@code policy} no longer holds. */
    void retain(Policy policy) {
        java.util.Set<String> live = new java.util.HashSet<>();
        policy.byAgent().values().forEach(gs -> gs.forEach(g -> live.add(g.fingerprint())));
        prepared.keySet().retainAll(live);
    }

    private static void rateHeaders(HttpFields.Mutable h, LiveGrant g, GrantMeter.Decision d) {
        h.put(
                "RateLimit-Policy",
                "\"minute\";q=" + g.doc().ratePerMinute() + ";w=60, \"day\";q="
                        + g.doc().budgetPerDay() + ";w=86400");
        h.put(
                "RateLimit",
                "\"" + (d.limit() == g.doc().ratePerMinute() && !"budget".equals(d.exhausted()) ? "minute" : "day")
                        + "\";r=" + d.remaining() + ";t=" + d.resetSeconds());
    }

    private static long millis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
