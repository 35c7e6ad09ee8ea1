package dev.keyroom.client;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import dev.keyroom.protocol.signature.Authority;
import dev.keyroom.protocol.signature.RequestSigner;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client's signed HTTP: every request is signed with the caller's identity (RFC 9421 profile of
 * the protocol), signed again once when the server names a replay fence this client may follow,
 * and asks first before a large body. Error answers become {@link KeyroomApiException}.
 */
final class SignedTransport implements AutoCloseable {
    /** The most a server's fence may lie ahead of this client's clock to be followed: the largest skew. */
    static final long MAX_FENCE_AHEAD_SECONDS = 300;

    /**
     * Bodies larger than this ask first ({@code Expect: 100-continue}): a server that refuses the
     * signed headers answers before the body is sent, so the refusal is read, not lost to a
     * connection closed under a body still being written.
     */
    static final int EXPECT_CONTINUE_ABOVE = 64 * 1024;

    private final URI base;
    private final RequestSigner signer;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    /**
     * The earliest {@code created} the server takes now: set when it refuses a request as signed
     * before its replay fence (after an unclean restart or a promotion), so that every later
     * request is signed at or after it until the clock passes it.
     */
    private final AtomicLong signNotBefore = new AtomicLong(Long.MIN_VALUE);

    SignedTransport(
            URI base, Identity identity, ServerTrust trust, Clock clock, SecureRandom random, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.clock = clock;
        this.signer = new RequestSigner(
                identity,
                () -> {
                    Instant now = clock.now();
                    long floor = signNotBefore.get();
                    return now.getEpochSecond() < floor ? Instant.ofEpochSecond(floor) : now;
                },
                random);
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (base.getScheme().equals("https")) {
            hb.sslContext(trust.sslContext());
        }
        this.http = hb.build();
    }

    /** Sends a signed request and returns the raw response, whatever its status. */
    KeyroomClient.Response exchange(String method, String pathAndQuery, byte[] body) {
        URI uri = base.resolve(pathAndQuery);
        byte[] payload = body == null ? new byte[0] : body;
        try {
            return send(
                    () -> {
                        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
                        signer.sign(method, uri, payload).forEach(rb::header);
                        if (payload.length > 0) {
                            rb.header("Content-Type", "application/json");
                        }
                        rb.expectContinue(payload.length > EXPECT_CONTINUE_ABOVE);
                        rb.method(
                                method,
                                payload.length > 0 || !method.equals("GET") && !method.equals("DELETE")
                                        ? HttpRequest.BodyPublishers.ofByteArray(payload)
                                        : HttpRequest.BodyPublishers.noBody());
                        return rb.build();
                    },
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + base + " failed: " + why(e), e);
        }
    }

    /**
     * Sends {@code body} as JSON and reads the answer as {@code type} (nothing for {@code
     * Void.class} or an empty body); an error answer is thrown as {@link KeyroomApiException}.
     */
    <T> T call(String method, String path, Object body, Class<T> type) {
        KeyroomClient.Response r = exchange(method, path, body == null ? null : Json.write(body));
        if (r.status() >= 400) {
            throw error(r);
        }
        if (type == Void.class || r.body().length == 0) {
            return null;
        }
        return Json.mapper().readValue(r.body(), type);
    }

    /**
     * PUTs the file {@code staged} of {@code size} bytes as an octet stream, signed over its
     * SHA-256 {@code digest}; an error answer is thrown as {@link KeyroomApiException}.
     */
    void upload(String path, Path staged, long size, byte[] digest) throws IOException {
        URI uri = base.resolve(path);
        KeyroomClient.Response resp = send(
                () -> {
                    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
                    signer.signDigest("PUT", uri, size > 0, digest).forEach(rb::header);
                    rb.header("Content-Type", "application/octet-stream");
                    rb.expectContinue(size > EXPECT_CONTINUE_ABOVE);
                    try {
                        rb.PUT(HttpRequest.BodyPublishers.ofFile(staged));
                    } catch (FileNotFoundException e) {
                        throw new UncheckedIOException(e);
                    }
                    return rb.build();
                },
                HttpResponse.BodyHandlers.ofByteArray());
        if (resp.status() >= 400) {
            throw error(resp);
        }
    }

    /** GETs {@code path} into the file {@code staged}; an error answer is thrown as {@link KeyroomApiException}. */
    void download(String path, Path staged) throws IOException {
        URI uri = base.resolve(path);
        HttpResponse<Path> r = signedSend(
                () -> {
                    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
                    signer.sign("GET", uri, null).forEach(rb::header);
                    return rb.GET().build();
                },
                HttpResponse.BodyHandlers.ofFile(staged));
        if (r.statusCode() >= 400) {
            throw error(new KeyroomClient.Response(r.statusCode(), null, Files.readAllBytes(staged)));
        }
    }

    private KeyroomClient.Response send(Supplier<HttpRequest> build, HttpResponse.BodyHandler<byte[]> handler)
            throws IOException {
        HttpResponse<byte[]> r = signedSend(build, handler);
        return new KeyroomClient.Response(
                r.statusCode(), r.headers().firstValue("X-Request-Id").orElse(null), r.body());
    }

    /**
     * Sends the request {@code build} signs; once more, signed again, when the server refuses it as
     * signed before its replay fence and names a fence this client may sign at.
     */
    private <T> HttpResponse<T> signedSend(Supplier<HttpRequest> build, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        try {
            HttpResponse<T> r = http.send(build.get(), handler);
            if (r.statusCode() == 401 && followFence(r.headers())) {
                r = http.send(build.get(), handler);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private boolean followFence(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Keyroom-Not-Before");
        if (value.isEmpty()) {
            return false;
        }
        long fence;
        try {
            fence = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            return false;
        }
        if (fence > clock.epochSecond() + MAX_FENCE_AHEAD_SECONDS) {
            return false;
        }
        signNotBefore.accumulateAndGet(fence, Math::max);
        return true;
    }

    static KeyroomApiException error(KeyroomClient.Response r) {
        try {
            ErrorDtos.Error e = Json.mapper().readValue(r.body(), ErrorDtos.Error.class);
            return new KeyroomApiException(
                    r.status(),
                    ErrorCode.fromWire(e.error().code()),
                    e.error().message(),
                    e.error().requestId());
        } catch (RuntimeException notJson) {
            return new KeyroomApiException(r.status(), ErrorCode.INTERNAL, "unexpected response", r.requestId());
        }
    }

    /** Opens the data plane's WebSocket, {@code /v1/bus} on the same authority. */
    CompletableFuture<WebSocket> openWebSocket(WebSocket.Listener listener) {
        URI ws = URI.create(
                (base.getScheme().equals("https") ? "wss" : "ws") + "://" + base.getRawAuthority() + "/v1/bus");
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(ws, listener);
    }

    /** What the data plane's challenge is signed over: the server's view of our authority. */
    String busAuthority() {
        return Authority.normalize(base.getScheme(), base.getRawAuthority());
    }

    /** What went wrong, in words: a refused connection has no message of its own. */
    static String why(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "nothing answers there (connection refused)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        http.close();
    }
}
