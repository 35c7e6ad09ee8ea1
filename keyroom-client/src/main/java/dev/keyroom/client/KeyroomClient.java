package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomKeys;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.AuditDtos;
import dev.keyroom.protocol.dto.ErrorDtos;
import dev.keyroom.protocol.dto.KeyringDtos;
import dev.keyroom.protocol.dto.MessageDtos;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.dto.SecretDtos;
import dev.keyroom.protocol.dto.SiteDtos;
import dev.keyroom.protocol.dto.UserDtos;
import dev.keyroom.protocol.signature.RequestSigner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Java SDK. Every request is signed with the caller's identity (RFC 9421 profile of the
 * protocol); the server is trusted by SPKI pin, a custom CA or the system trust store, and plain
 * {@code http://} is refused for any host but loopback (TLS-2).
 *
 * <p>Room keys never leave the client in clear: {@link #createRoom}, {@link #invite} and {@link
 * #rekey} generate and seal keys locally with HPKE; {@link #roomKey} unseals the caller's own.
 *
 * <p>Thread-safe. Failures from the server raise {@link KeyroomApiException}; transport failures
 * raise {@link java.io.UncheckedIOException}.
 */
public final class KeyroomClient implements AutoCloseable {
    private final URI base;
    private final Identity identity;
    private final RequestSigner signer;
    private final HttpClient http;
    private final SecureRandom random;
    private final Duration timeout;
    private final Clock clock;
    /**
     * The earliest {@code created} the server takes now: set when it refuses a request as signed
     * before its replay fence (after an unclean restart or a promotion), so that every later
     * request is signed at or after it until the clock passes it.
     */
    private final java.util.concurrent.atomic.AtomicLong signNotBefore =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    /** The most a server's fence may lie ahead of this client's clock to be followed: the largest skew. */
    static final long MAX_FENCE_AHEAD_SECONDS = 300;

    /**
     * Bodies larger than this ask first ({@code Expect: 100-continue}): a server that refuses the
     * signed headers answers before the body is sent, so the refusal is read, not lost to a
     * connection closed under a body still being written.
     */
    static final int EXPECT_CONTINUE_ABOVE = 64 * 1024;

    private KeyroomClient(Builder b) {
        this.base = b.server;
        this.identity = b.identity;
        this.random = b.random;
        this.timeout = b.timeout;
        this.clock = b.clock;
        this.signer = new RequestSigner(
                b.identity,
                () -> {
                    java.time.Instant now = b.clock.now();
                    long floor = signNotBefore.get();
                    return now.getEpochSecond() < floor ? java.time.Instant.ofEpochSecond(floor) : now;
                },
                b.random);
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (b.server.getScheme().equals("https")) {
            hb.sslContext(b.trust.sslContext());
        }
        this.http = hb.build();
    }

    public static Builder builder(URI server, Identity identity) {
        return new Builder(server, identity);
    }

    /** Configures a client; {@link #build} validates the combination. */
    public static final class Builder {
        private final URI server;
        private final Identity identity;
        private ServerTrust trust = ServerTrust.system();
        private Clock clock = Clock.system();
        private SecureRandom random = new SecureRandom();
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(URI server, Identity identity) {
            this.server = server;
            this.identity = identity;
        }

        public Builder trust(ServerTrust trust) {
            this.trust = trust;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public KeyroomClient build() {
            String scheme = server.getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme)) {
                throw new IllegalArgumentException("the server URL must be https:// (or http:// on loopback)");
            }
            if (server.getHost() == null) {
                throw new IllegalArgumentException("the server URL has no host");
            }
            if ("http".equals(scheme) && !isLoopback(server.getHost())) {
                throw new IllegalArgumentException(
                        "refusing plaintext http:// to a non-loopback host; use https:// with a pin or CA");
            }
            if (server.getRawPath() != null
                    && !server.getRawPath().isEmpty()
                    && !server.getRawPath().equals("/")) {
                throw new IllegalArgumentException("the server URL must not have a path");
            }
            return new KeyroomClient(this);
        }
    }

    /** True for literal loopback addresses and {@code localhost}. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public EndpointId endpoint() {
        return identity.endpoint();
    }

    // ---- raw calls

    /** A response: status, headers we care about, and the body. */
    public record Response(int status, String requestId, byte[] body) {}

    /** Sends a signed request and returns the raw response, whatever its status. */
    public Response exchange(String method, String pathAndQuery, byte[] body) {
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
            throw new java.io.UncheckedIOException("request to " + base + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sends the request {@code build} signs; once more, signed again, when the server refuses it as
     * signed before its replay fence and names a fence this client may sign at.
     */
    private <T> HttpResponse<T> signedSend(
            java.util.function.Supplier<HttpRequest> build, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            HttpResponse<T> r = http.send(build.get(), handler);
            if (r.statusCode() == 401 && followFence(r.headers())) {
                r = http.send(build.get(), handler);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private boolean followFence(java.net.http.HttpHeaders headers) {
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

    private <T> T call(String method, String path, Object body, Class<T> type) {
        Response r = exchange(method, path, body == null ? null : Json.write(body));
        if (r.status() >= 400) {
            throw error(r);
        }
        if (type == Void.class || r.body().length == 0) {
            return null;
        }
        return Json.mapper().readValue(r.body(), type);
    }

    static KeyroomApiException error(Response r) {
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

    // ---- users

    /** The site's replication role and progress (admin). */
    public SiteDtos.ReplicationStatus replicationStatus() {
        return call("GET", "/v1/replication/status", null, SiteDtos.ReplicationStatus.class);
    }

    /**
     * Promotes this backup to a primary of site epoch {@code fromEpoch + 1} (admin, REPL-7); refused
     * (409) when the site is not a backup at {@code fromEpoch}. Answers the new status.
     */
    public SiteDtos.ReplicationStatus promote(long fromEpoch) {
        return call(
                "POST", "/v1/replication/promote", new SiteDtos.Promote(fromEpoch), SiteDtos.ReplicationStatus.class);
    }

    /**
     * On a primary whose worker waits to retry after a failure: retry now, without waiting for the
     * next step of the table (admin). Answers whether it was waiting, and the status.
     */
    public SiteDtos.Retry retryReplication() {
        return call("POST", "/v1/replication/retry", null, SiteDtos.Retry.class);
    }

    public UserDtos.User me() {
        return call("GET", "/v1/me", null, UserDtos.User.class);
    }

    public UserDtos.User registerUser(byte[] signPub, byte[] kexPub, String name, Role role) {
        return call(
                "POST",
                "/v1/users",
                new UserDtos.UserCreate(Base64Url.encode(signPub), Base64Url.encode(kexPub), name, role.wireName()),
                UserDtos.User.class);
    }

    public List<UserDtos.User> users() {
        return call("GET", "/v1/users", null, UserDtos.Users.class).users();
    }

    /** A user's public record; the SDK checks that its endpoint id is that of its signing key. */
    public UserDtos.User user(EndpointId endpoint) {
        UserDtos.User u = call("GET", "/v1/users/" + endpoint.value(), null, UserDtos.User.class);
        if (!endpoint.value().equals(u.endpoint()) || !endpoint.matches(Base64Url.decode(u.signPub(), "sign_pub"))) {
            throw new IllegalStateException("the server returned a user record for another key");
        }
        return u;
    }

    public UserDtos.User revoke(EndpointId endpoint) {
        return call("POST", "/v1/users/" + endpoint.value() + "/revoke", null, UserDtos.User.class);
    }

    public UserDtos.User unlock(EndpointId endpoint) {
        return call("POST", "/v1/users/" + endpoint.value() + "/unlock", null, UserDtos.User.class);
    }

    // ---- rooms

    /**
     * Creates an encrypted room: picks its id, makes the epoch-1 key and seals it to the caller, so
     * the server never sees the key.
     */
    public RoomDtos.Room createRoom(String name) {
        RoomId id = RoomId.random(random);
        try (SecretBytes key = RoomKeys.generate(random)) {
            byte[] sealed = RoomKeys.seal(identity.kexPub(), id, 1, key);
            return call(
                    "POST",
                    "/v1/rooms",
                    new RoomDtos.RoomCreate(
                            id.value(), name, "encrypted", identity.endpoint().value(), Base64Url.encode(sealed)),
                    RoomDtos.Room.class);
        }
    }

    /** Creates a cleartext room (refused by servers that listen beyond loopback unless allowed). */
    public RoomDtos.Room createCleartextRoom(String name) {
        return call(
                "POST",
                "/v1/rooms",
                new RoomDtos.RoomCreate(
                        null, name, "cleartext", identity.endpoint().value(), null),
                RoomDtos.Room.class);
    }

    public RoomDtos.Room room(RoomId room) {
        return call("GET", "/v1/rooms/" + room.value(), null, RoomDtos.Room.class);
    }

    public List<RoomDtos.Member> members(RoomId room) {
        return call("GET", "/v1/rooms/" + room.value() + "/members", null, RoomDtos.Members.class)
                .members();
    }

    public List<RoomDtos.MyRoom> myRooms() {
        return call("GET", "/v1/me/rooms", null, RoomDtos.MyRooms.class).rooms();
    }

    /** The caller's sealed key of {@code epoch} (default: current), unsealed locally. */
    public SecretBytes roomKey(RoomId room, Optional<Long> epoch) {
        RoomDtos.SealedKey k = call(
                "GET",
                "/v1/rooms/" + room.value() + "/key"
                        + epoch.map(e -> "?epoch=" + e).orElse(""),
                null,
                RoomDtos.SealedKey.class);
        return RoomKeys.unseal(
                identity.kexPrivate(),
                identity.kexPub(),
                room,
                k.epoch(),
                Base64Url.decode(k.sealedKey(), "sealed_key"));
    }

    /**
     * Invites {@code endpoint} with {@code role}: unseals the caller's key of the current epoch and
     * seals it to the invitee's published key.
     */
    public void invite(RoomId room, EndpointId endpoint, RoomRole role) {
        RoomDtos.Room r = room(room);
        String sealed = null;
        if (r.policy().equals("encrypted")) {
            UserDtos.User invitee = user(endpoint);
            try (SecretBytes key = roomKey(room, Optional.of(r.epoch()))) {
                sealed = Base64Url.encode(
                        RoomKeys.seal(Base64Url.decode(invitee.kexPub(), "kex_pub"), room, r.epoch(), key));
            }
        }
        call(
                "POST",
                "/v1/rooms/" + room.value() + "/members",
                new RoomDtos.MemberAdd(endpoint.value(), role.wireName(), sealed),
                RoomDtos.Room.class);
    }

    /**
     * Moves the room to a new epoch without {@code remove}: makes a fresh key and seals it to every
     * member who remains. Returns the new epoch. Removed members never receive the new key.
     */
    public long rekey(RoomId room, Set<EndpointId> remove) {
        RoomDtos.Room r = room(room);
        long next = r.epoch() + 1;
        Map<String, String> sealed = new HashMap<>();
        if (r.policy().equals("encrypted")) {
            try (SecretBytes key = RoomKeys.generate(random)) {
                for (RoomDtos.Member m : members(room)) {
                    EndpointId e = EndpointId.parse(m.endpoint());
                    if (remove.contains(e)) {
                        continue;
                    }
                    if (!e.matches(Base64Url.decode(m.signPub(), "sign_pub"))) {
                        throw new IllegalStateException("the server listed a member under another key");
                    }
                    sealed.put(
                            e.value(),
                            Base64Url.encode(RoomKeys.seal(Base64Url.decode(m.kexPub(), "kex_pub"), room, next, key)));
                }
            }
        }
        return call(
                        "POST",
                        "/v1/rooms/" + room.value() + "/rekey",
                        new RoomDtos.Rekey(
                                r.epoch(),
                                remove.stream().map(EndpointId::value).sorted().toList(),
                                sealed),
                        RoomDtos.Epoch.class)
                .epoch();
    }

    /** The caller leaves the room; an owner or admin must then rekey it. */
    public void leave(RoomId room) {
        call(
                "DELETE",
                "/v1/rooms/" + room.value() + "/members/" + identity.endpoint().value(),
                null,
                Void.class);
    }

    // ---- messages

    private final Map<String, SecretBytes> epochKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<EndpointId, byte[]> signKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<RoomId, Set<String>> seenMessages = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SEEN_PER_ROOM = 100_000;

    /** The caller's key of {@code room} at {@code epoch}, unsealed once and kept until close. */
    private SecretBytes epochKey(RoomId room, long epoch) {
        return epochKeys.computeIfAbsent(room.value() + "/" + epoch, k -> roomKey(room, Optional.of(epoch)));
    }

    private byte[] signKey(EndpointId sender) {
        return signKeys.computeIfAbsent(sender, e -> Base64Url.decode(user(e).signPub(), "sign_pub"));
    }

    /** Audit entries after {@code afterSeq}, at most {@code limit} (admin). */
    public List<dev.keyroom.protocol.audit.AuditChain.Entry> audit(long afterSeq, int limit) {
        return call("GET", "/v1/audit?after=" + afterSeq + "&limit=" + limit, null, AuditDtos.AuditEvents.class)
                .events();
    }

    /**
     * The room's retention of messages and secret versions: its own setting (null parts: the
     * server's default) and what applies.
     */
    public RoomDtos.Retention retention(RoomId room) {
        return call("GET", "/v1/rooms/" + room.value() + "/retention", null, RoomDtos.Retention.class);
    }

    /** Sets the room's own retention (owners and admins); a null part returns to the server's default. */
    public RoomDtos.Retention setRetention(RoomId room, Integer count, Integer days, Integer secretVersions) {
        return call(
                "PUT",
                "/v1/rooms/" + room.value() + "/retention",
                new RoomDtos.RetentionSet(count, days, secretVersions),
                RoomDtos.Retention.class);
    }

    /**
     * Publishes {@code plaintext} to {@code room}: sealed under the room's current epoch key (in
     * encrypted rooms) and signed by this identity. Returns the sequence the server assigned.
     */
    public long publish(RoomId room, byte[] plaintext) {
        RoomDtos.Room r = room(room);
        SecretBytes key = r.policy().equals("encrypted") ? epochKey(room, r.epoch()) : null;
        dev.keyroom.protocol.envelope.Envelope e = dev.keyroom.protocol.envelope.MessageCrypto.seal(
                identity, room, r.epoch(), key, plaintext, random, clock);
        return call(
                        "POST",
                        "/v1/rooms/" + room.value() + "/messages",
                        new MessageDtos.Publish(Base64Url.encode(e.encode())),
                        MessageDtos.Seq.class)
                .seq();
    }

    /**
     * Reads history after {@code afterSeq}: each message is checked (sender's signature, room,
     * epoch, never-seen message id) and decrypted, or reported as rejected with the reason.
     */
    public List<Delivery> history(RoomId room, long afterSeq, int limit) {
        MessageDtos.Messages page = call(
                "GET",
                "/v1/rooms/" + room.value() + "/messages?after=" + afterSeq + "&limit=" + limit,
                null,
                MessageDtos.Messages.class);
        List<Delivery> out = new java.util.ArrayList<>();
        for (MessageDtos.Message m : page.messages()) {
            out.add(judge(room, m));
        }
        return out;
    }

    private Delivery judge(RoomId room, MessageDtos.Message m) {
        byte[] bytes;
        try {
            bytes = Base64Url.decode(m.envelope(), "envelope");
        } catch (RuntimeException x) {
            return new Delivery.Rejected(m.seq(), "malformed envelope");
        }
        return judge(room, m.seq(), bytes, m.epoch(), m.sender());
    }

    /**
     * Checks and opens one delivered envelope: for this room, matching what the server reported
     * (when it reported anything), signed by its sender, decrypting under its epoch key, with a
     * message id never seen before.
     */
    Delivery judge(RoomId room, long seq, byte[] bytes, Long reportedEpoch, String reportedSender) {
        dev.keyroom.protocol.envelope.Envelope e;
        try {
            e = dev.keyroom.protocol.envelope.Envelope.parse(bytes);
        } catch (dev.keyroom.protocol.envelope.Envelope.FormatException | RuntimeException x) {
            return new Delivery.Rejected(seq, "malformed envelope");
        }
        record M(long seq) {}
        M m = new M(seq);
        if (!e.room().equals(room)) {
            return new Delivery.Rejected(m.seq(), "envelope for another room");
        }
        if ((reportedEpoch != null && e.epoch() != reportedEpoch)
                || (reportedSender != null && !e.sender().value().equals(reportedSender))) {
            return new Delivery.Rejected(m.seq(), "envelope does not match what the server reports");
        }
        try {
            SecretBytes key = e.encrypted() ? epochKey(room, e.epoch()) : null;
            byte[] plaintext = dev.keyroom.protocol.envelope.MessageCrypto.open(e, signKey(e.sender()), key);
            Set<String> seen = seenMessages.computeIfAbsent(
                    room,
                    r -> java.util.Collections.newSetFromMap(
                            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<String, Boolean>() {
                                @Override
                                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                                    return size() > SEEN_PER_ROOM;
                                }
                            })));
            if (!seen.add(e.messageIdHex())) {
                return new Delivery.Rejected(m.seq(), "replayed message id");
            }
            return new Delivery.Accepted(
                    m.seq(), e.sender(), e.epoch(), java.time.Instant.ofEpochMilli(e.sentAtMillis()), plaintext);
        } catch (KeyroomApiException | dev.keyroom.core.error.KeyroomException x) {
            return new Delivery.Rejected(m.seq(), x.getMessage());
        }
    }

    /** Opens a data-plane connection to {@code /v1/bus}, authenticated with this identity. */
    public BusClient connectBus() {
        return new BusClient(this);
    }

    java.util.concurrent.CompletableFuture<java.net.http.WebSocket> openWebSocket(
            java.net.http.WebSocket.Listener listener) {
        URI ws = URI.create(
                (base.getScheme().equals("https") ? "wss" : "ws") + "://" + base.getRawAuthority() + "/v1/bus");
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(ws, listener);
    }

    /** What the data plane's challenge is signed over: the server's view of our authority. */
    String busAuthority() {
        return dev.keyroom.protocol.signature.Authority.normalize(base.getScheme(), base.getRawAuthority());
    }

    Identity identity() {
        return identity;
    }

    private final Map<RoomId, RoomDtos.Room> roomInfo = new java.util.concurrent.ConcurrentHashMap<>();

    /** Forgets what this client knows of a room's epoch, after the server said it changed. */
    void forgetRoom(RoomId room) {
        roomInfo.remove(room);
    }

    /**
     * Seals a message for the room's epoch as last seen, without sending it; the data plane calls
     * {@link #forgetRoom} when the server answers that the epoch moved on.
     */
    dev.keyroom.protocol.envelope.Envelope seal(RoomId room, byte[] plaintext) {
        RoomDtos.Room r = roomInfo.computeIfAbsent(room, this::room);
        SecretBytes key = r.policy().equals("encrypted") ? epochKey(room, r.epoch()) : null;
        return dev.keyroom.protocol.envelope.MessageCrypto.seal(
                identity, room, r.epoch(), key, plaintext, random, clock);
    }

    // ---- the vault

    /** A secret as read: its value (encrypted rooms: decrypted here) and where it came from. */
    public record SecretValue(String name, long version, SecretBytes value, String createdBy, String createdAt)
            implements AutoCloseable {
        @Override
        public void close() {
            value.close();
        }
    }

    private String secretPath(RoomId room, String name) {
        try {
            dev.keyroom.core.vault.VaultService.requireName(name);
        } catch (dev.keyroom.core.error.KeyroomException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return "/v1/rooms/" + room.value() + "/secrets/" + name;
    }

    /**
     * Writes the next version of a secret. {@code ifVersion} is the version the caller saw (0 for a
     * new secret); a racing write makes this fail with 409. In encrypted rooms the value is sealed
     * here under the room's current key, bound to room, name and the version being written, so the
     * server never sees it. Returns the new version.
     */
    public long putSecret(RoomId room, String name, byte[] value, long ifVersion) {
        RoomDtos.Room r = room(room);
        byte[] stored = r.policy().equals("encrypted")
                ? dev.keyroom.protocol.envelope.SecretCrypto.seal(
                        room, name, ifVersion + 1, r.epoch(), epochKey(room, r.epoch()), value, random)
                : value;
        return call(
                        "PUT",
                        secretPath(room, name),
                        new SecretDtos.SecretPut(Base64Url.encode(stored), ifVersion),
                        SecretDtos.SecretVersion.class)
                .version();
    }

    /** Reads a secret (the latest version when {@code version} is empty), decrypting it in encrypted rooms. */
    public SecretValue getSecret(RoomId room, String name, Optional<Long> version) {
        SecretDtos.Secret s = call(
                "GET",
                secretPath(room, name) + version.map(v -> "?version=" + v).orElse(""),
                null,
                SecretDtos.Secret.class);
        if (!s.name().equals(name) || version.isPresent() && s.version() != version.get()) {
            throw new KeyroomApiException(
                    200, dev.keyroom.core.error.ErrorCode.INTERNAL, "the server answered for another secret", null);
        }
        byte[] stored = Base64Url.decode(s.value(), "value");
        byte[] plain = room(room).policy().equals("encrypted")
                ? dev.keyroom.protocol.envelope.SecretCrypto.open(
                        room,
                        name,
                        s.version(),
                        epochKey(room, dev.keyroom.protocol.envelope.SecretCrypto.epoch(stored)),
                        stored)
                : stored;
        return new SecretValue(s.name(), s.version(), SecretBytes.wrap(plain), s.createdBy(), s.createdAt());
    }

    /** The room's live secrets (not for agents). */
    public List<SecretDtos.SecretItem> secrets(RoomId room) {
        return call("GET", "/v1/rooms/" + room.value() + "/secrets", null, SecretDtos.Secrets.class)
                .secrets();
    }

    /** Deletes a secret: a tombstone version. */
    public void deleteSecret(RoomId room, String name) {
        call("DELETE", secretPath(room, name), null, Void.class);
    }

    // ---- the keyring (admin)

    public KeyringDtos.KeyringStatus keyringStatus() {
        return call("GET", "/v1/keyring", null, KeyringDtos.KeyringStatus.class);
    }

    /** Adds a key that new writes use at once. */
    public KeyringDtos.KeyringStatus rotateKeyring() {
        return call("POST", "/v1/keyring/rotate", null, KeyringDtos.KeyringStatus.class);
    }

    /** Starts re-sealing items under older keys with the current one, in the background. */
    public KeyringDtos.KeyringStatus rewrapKeyring() {
        return call("POST", "/v1/keyring/rewrap", null, KeyringDtos.KeyringStatus.class);
    }

    /** Removes a key that no item uses any more. */
    public KeyringDtos.KeyringStatus retireKey(int id) {
        return call("DELETE", "/v1/keyring/keys/" + id, null, KeyringDtos.KeyringStatus.class);
    }

    // ---- blobs

    private static final int BLOB_SEGMENT = 1 << 20;

    private static byte[] blobAad(RoomId room) {
        return ("keyroom/v1/blob\0" + room.value()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Uploads {@code plaintext} to {@code room}. In encrypted rooms it is first encrypted with
     * Tink's streaming AEAD (AES-256-GCM-HKDF, 1 MiB segments) under a fresh per-blob key, so the
     * stored blob alone reveals nothing; the returned reference carries that key. Memory use is a
     * buffer: the ciphertext is staged in a temporary file.
     */
    public BlobRef putBlob(RoomId room, java.io.InputStream plaintext) throws IOException {
        RoomDtos.Room r = room(room);
        boolean encrypted = r.policy().equals("encrypted");
        java.nio.file.Path staged = java.nio.file.Files.createTempFile("keyroom-blob-", ".part");
        SecretBytes key = null;
        try {
            java.security.MessageDigest sha = dev.keyroom.core.crypto.Digests.sha256();
            try (java.io.OutputStream file =
                    new java.security.DigestOutputStream(java.nio.file.Files.newOutputStream(staged), sha)) {
                if (encrypted) {
                    key = dev.keyroom.core.rooms.RoomKeys.generate(random);
                    try (java.io.OutputStream enc = streaming(key).newEncryptingStream(file, blobAad(room))) {
                        plaintext.transferTo(enc);
                    }
                } else {
                    plaintext.transferTo(file);
                }
            } catch (java.security.GeneralSecurityException x) {
                throw new IOException("cannot encrypt the blob", x);
            }
            byte[] digest = sha.digest();
            String address = java.util.HexFormat.of().formatHex(digest);
            long size = java.nio.file.Files.size(staged);
            URI uri = base.resolve("/v1/rooms/" + room.value() + "/blobs/" + address);
            Response resp = send(
                    () -> {
                        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
                        signer.signDigest("PUT", uri, size > 0, digest).forEach(rb::header);
                        rb.header("Content-Type", "application/octet-stream");
                        rb.expectContinue(size > EXPECT_CONTINUE_ABOVE);
                        try {
                            rb.PUT(HttpRequest.BodyPublishers.ofFile(staged));
                        } catch (java.io.FileNotFoundException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return rb.build();
                    },
                    HttpResponse.BodyHandlers.ofByteArray());
            if (resp.status() >= 400) {
                throw error(resp);
            }
            BlobRef ref = new BlobRef(address, size, key);
            key = null;
            return ref;
        } finally {
            if (key != null) {
                key.close();
            }
            java.nio.file.Files.deleteIfExists(staged);
        }
    }

    /**
     * Downloads the blob {@code ref} names from {@code room} into {@code out}: the stored bytes must
     * hash to the address (checked before a byte is decrypted), then they are decrypted with the
     * reference's key in encrypted rooms.
     */
    public void getBlob(RoomId room, BlobRef ref, java.io.OutputStream out) throws IOException {
        URI uri = base.resolve("/v1/rooms/" + room.value() + "/blobs/" + ref.sha256());
        java.nio.file.Path staged = java.nio.file.Files.createTempFile("keyroom-blob-", ".get");
        try {
            HttpResponse<java.nio.file.Path> r = signedSend(
                    () -> {
                        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
                        signer.sign("GET", uri, null).forEach(rb::header);
                        return rb.GET().build();
                    },
                    HttpResponse.BodyHandlers.ofFile(staged));
            if (r.statusCode() >= 400) {
                throw error(new Response(r.statusCode(), null, java.nio.file.Files.readAllBytes(staged)));
            }
            java.security.MessageDigest sha = dev.keyroom.core.crypto.Digests.sha256();
            try (java.io.InputStream in =
                    new java.security.DigestInputStream(java.nio.file.Files.newInputStream(staged), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            if (!dev.keyroom.core.crypto.Digests.constantTimeEquals(
                    sha.digest(), java.util.HexFormat.of().parseHex(ref.sha256()))) {
                throw new IOException("the server returned bytes that do not hash to the blob address");
            }
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(staged)) {
                if (ref.key() == null) {
                    in.transferTo(out);
                } else {
                    try (java.io.InputStream dec = streaming(ref.key()).newDecryptingStream(in, blobAad(room))) {
                        dec.transferTo(out);
                    } catch (java.security.GeneralSecurityException x) {
                        throw new IOException("the blob does not decrypt with this key", x);
                    }
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(staged);
        }
    }

    private static com.google.crypto.tink.subtle.AesGcmHkdfStreaming streaming(SecretBytes key)
            throws java.security.GeneralSecurityException {
        byte[] ikm = key.unsafeBytes();
        try {
            return new com.google.crypto.tink.subtle.AesGcmHkdfStreaming(ikm, "HmacSha256", 32, BLOB_SEGMENT, 0);
        } finally {
            java.util.Arrays.fill(ikm, (byte) 0);
        }
    }

    private Response send(java.util.function.Supplier<HttpRequest> build, HttpResponse.BodyHandler<byte[]> handler)
            throws IOException {
        HttpResponse<byte[]> r = signedSend(build, handler);
        return new Response(
                r.statusCode(), r.headers().firstValue("X-Request-Id").orElse(null), r.body());
    }

    @Override
    public void close() {
        http.close();
        epochKeys.values().forEach(SecretBytes::close);
        epochKeys.clear();
    }
}
