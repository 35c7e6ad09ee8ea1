package dev.keyroom.server.replication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.RateLimiter;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * What a backup checks before it applies a batch or stores a blob (REPL-3, REPL-5), in order: the
 * source is not banned; it is within its rate (60 batches a minute; blobs have their own budget);
 * the message is signed by one of the configured primary site keys (compared in constant time,
 * over the raw bytes); it parses; it was made at most 300 s ago (or ahead); its nonce was not seen
 * before. Every attempt is audited with its source, its change count (or blob size) and its
 * outcome; ten failed authentications of a source ban it for an hour.
 *
 * <p>Mutual TLS with the replication CA comes first, on the endpoint's own listener.
 */
public final class ApplyGate {
    public static final Duration WINDOW = Duration.ofSeconds(300);
    public static final int FAILURES_BEFORE_BAN = 10;
    public static final Duration BAN = Duration.ofHours(1);
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * A signed message that passed every check: the site key that signed it (and its short form
     * for audit entries), the message, and what it carries for the audit entry.
     */
    public record Verified<T extends dev.keyroom.protocol.replication.Stamped>(
            byte[] siteKey, String site, T message, String what, String resource) {}

    /** A batch that passed every check, with its changes decoded from base64url. */
    public record Batch(Verified<ReplicationBatch> verified, List<byte[]> changes) {
        public ReplicationBatch batch() {
            return verified.message();
        }
    }

    private final List<byte[]> primaryKeys;
    private final Clock clock;
    private final AuditLog audit;
    private final BanList bans;
    private final RateLimiter rate = new RateLimiter(new RateLimiter.Policy("replication", 1, 60), 10_000);
    private final RateLimiter auditRate = new RateLimiter(new RateLimiter.Policy("replication-audit", 1, 60), 10_000);
    /** Blobs go one a request, so they have a budget of their own: 20 a second, bursts of 600. */
    private final RateLimiter blobRate = new RateLimiter(new RateLimiter.Policy("replication-blobs", 20, 600), 10_000);

    private final Cache<String, AtomicInteger> failures =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(BAN).build();
    /** Nonces seen within the window (twice the window: a message is valid that long around its time). */
    private final Cache<String, Boolean> nonces = Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .expireAfterWrite(WINDOW.multipliedBy(2))
            .build();

    public ApplyGate(List<byte[]> primaryKeys, Clock clock, AuditLog audit, BanList bans) {
        this.primaryKeys = List.copyOf(primaryKeys);
        this.clock = clock;
        this.audit = audit;
        this.bans = bans;
    }

    /** Checks one posted batch of changes from {@code source}; refuses with the reason, audited, or returns it. */
    public Batch check(String source, String keyHeader, String signatureHeader, byte[] body, String requestId) {
        return check(ReplicationBatch.Feed.CHANGES, source, keyHeader, signatureHeader, body, requestId, true);
    }

    /**
     * Checks one batch of {@code feed} from {@code source}: each feed has its own budget (60 a
     * minute) and its own signing domain, so a batch of one feed is never taken for the other; a
     * batch that is not {@code metered} (one of a stream, whose opening was) does not count against
     * the budget. Everything else is checked alike.
     */
    public Batch check(
            ReplicationBatch.Feed feed,
            String source,
            String keyHeader,
            String signatureHeader,
            byte[] body,
            String requestId,
            boolean metered) {
        boolean ofChanges = feed == ReplicationBatch.Feed.CHANGES;
        Verified<ReplicationBatch> v = authenticate(
                source,
                keyHeader,
                signatureHeader,
                body,
                ReplicationBatch.signedMessage(feed, body),
                ReplicationBatch.class,
                feed.path(),
                ofChanges ? "batch" : "audit batch",
                metered ? (ofChanges ? rate : auditRate) : null,
                b -> (b.changes() == null ? 0 : b.changes().size()) + (ofChanges ? " changes" : " audit entries"),
                requestId);
        List<byte[]> records = new ArrayList<>();
        for (String c :
                v.message().changes() == null ? List.<String>of() : v.message().changes()) {
            records.add(Base64Url.decode(c, "record"));
        }
        return new Batch(v, records);
    }

    /**
     * Checks the stamp of one blob from {@code source} (the bytes are checked against its address
     * as they are stored); refuses with the reason, audited, or returns the stamp.
     */
    public Verified<ReplicationBlob> checkBlob(
            String source, String keyHeader, String signatureHeader, String stampHeader, String requestId) {
        String resource = ReplicationBlob.PATH_PREFIX;
        byte[] stamp = decodeOrNull(stampHeader, 4096);
        if (stamp == null) {
            throw refuse(
                    new Attempt(resource, source, "-", "a blob not read", requestId),
                    ErrorCode.BAD_REQUEST,
                    "no blob stamp",
                    false);
        }
        Verified<ReplicationBlob> v = authenticate(
                source,
                keyHeader,
                signatureHeader,
                stamp,
                ReplicationBlob.signedMessage(stamp),
                ReplicationBlob.class,
                ReplicationBlob.PATH_PREFIX,
                "blob",
                blobRate,
                b -> "blob of " + b.size() + " bytes",
                requestId);
        ReplicationBlob b = v.message();
        if (!dev.keyroom.core.identity.EndpointId.isWellFormed(b.room())
                || b.sha256() == null
                || !SHA256.matcher(b.sha256()).matches()
                || b.size() < 0) {
            throw refuse(
                    new Attempt(resource, source, v.site(), v.what(), requestId),
                    ErrorCode.BAD_REQUEST,
                    "malformed blob stamp",
                    false);
        }
        return v;
    }

    /**
     * The checks every signed message goes through, in order: ban, rate, site key, signature over
     * {@code signed}, the JSON, its age and its nonce.
     */
    private <T extends dev.keyroom.protocol.replication.Stamped> Verified<T> authenticate(
            String source,
            String keyHeader,
            String signatureHeader,
            byte[] json,
            byte[] signed,
            Class<T> type,
            String resource,
            String kind,
            RateLimiter limiter,
            java.util.function.Function<T, String> what,
            String requestId) {
        String unread = "a " + kind + " not read";
        admit(resource, source, unread, requestId, limiter, kind.equals("blob") ? "blobs" : kind + "es");
        byte[] key = decodeOrNull(keyHeader, 200);
        byte[] signature = decodeOrNull(signatureHeader, 200);
        String site = key == null ? "-" : Base64Url.encode(key).substring(0, Math.min(8, keyHeader.length()));
        String unauthenticated = key == null || signature == null || !authorised(key)
                ? "not signed by a primary site key"
                : !Ed25519.verify(key, signed, signature) ? "bad " + kind + " signature" : null;
        Attempt unreadAttempt = new Attempt(resource, source, site, unread, requestId);
        if (unauthenticated != null) {
            throw refuse(unreadAttempt, ErrorCode.UNAUTHORIZED, unauthenticated, true);
        }
        T message;
        try {
            message = Json.readBatch(json, type); // signature verified above
        } catch (KeyroomException e) {
            throw refuse(unreadAttempt, ErrorCode.BAD_REQUEST, e.getMessage(), false);
        }
        String described = what.apply(message);
        Attempt attempt = new Attempt(resource, source, site, described, requestId);
        Instant created;
        try {
            created = Instant.parse(String.valueOf(message.created()));
        } catch (DateTimeParseException e) {
            throw refuse(attempt, ErrorCode.BAD_REQUEST, "created is not a time", false);
        }
        Duration age = Duration.between(created, clock.now()).abs();
        if (age.compareTo(WINDOW) > 0) {
            throw refuse(attempt, ErrorCode.UNAUTHORIZED, kind + " older than 300 s", true);
        }
        if (message.nonce() == null || !NONCE.matcher(message.nonce()).matches()) {
            throw refuse(attempt, ErrorCode.BAD_REQUEST, "malformed nonce", false);
        }
        if (nonces.asMap().putIfAbsent(message.nonce(), Boolean.TRUE) != null) {
            throw refuse(attempt, ErrorCode.UNAUTHORIZED, "replayed " + kind, true);
        }
        return new Verified<>(key, site, message, described, resource);
    }

    /**
     * Whether {@code source} may open a stream of batches now: not banned, and within its budget of
     * 60 a minute (the stream's batches are then checked one by one, unmetered). Refusals are audited.
     */
    public void admitStream(String source, String requestId) {
        admit(ApplyStream.PATH, source, "a stream not opened", requestId, rate, "batches");
    }

    /** The source is not banned and, given a {@code limiter}, within its budget; refusals are audited. */
    private void admit(
            String resource, String source, String unread, String requestId, RateLimiter limiter, String many) {
        if (bans.bannedUntil("replication:" + source).isPresent()) {
            throw refuse(
                    new Attempt(resource, source, "-", unread, requestId),
                    ErrorCode.FORBIDDEN,
                    "this source is banned for now",
                    false);
        }
        if (limiter != null && limiter.tryAcquire(source) instanceof RateLimiter.Decision.Refused) {
            throw refuse(
                    new Attempt(resource, source, "-", unread, requestId),
                    ErrorCode.RATE_LIMITED,
                    "too many " + many + " from this source",
                    false);
        }
    }

    /** Whether {@code source} is banned now (a stream that earned a ban is closed). */
    public boolean banned(String source) {
        return bans.bannedUntil("replication:" + source).isPresent();
    }

    /**
     * A connection to the replication listener whose TLS handshake failed (no client certificate
     * from the replication CA, another protocol): audited and counted as a failed authentication,
     * within the source's budget of 60 a minute, so a flood of handshakes cannot flood the log.
     */
    public void handshakeRefused(String source, String why) {
        if (rate.tryAcquire(source) instanceof RateLimiter.Decision.Refused) {
            return;
        }
        try {
            refuse(
                    new Attempt("handshake", source, "-", "no request", "-"),
                    ErrorCode.UNAUTHORIZED,
                    "TLS handshake failed: " + why,
                    true);
        } catch (RuntimeException auditDown) {
            // the connection is refused either way
        }
    }

    /** Records how an authenticated message ended (applied, stored, gap, refused by the store). */
    public void outcome(String source, Verified<?> v, String outcome, String requestId) {
        audit.record(new AuditEvent(
                "site:" + v.site(),
                "REPLICATE",
                v.message() instanceof ReplicationBlob b ? b.path() : v.resource(),
                outcome + " (" + v.what() + ")",
                requestId,
                source));
    }

    /** In constant time per key: whether {@code key} is one of the configured primary site keys. */
    private boolean authorised(byte[] key) {
        boolean found = false;
        for (byte[] k : primaryKeys) {
            found |= MessageDigest.isEqual(k, key);
        }
        return found;
    }

    private static byte[] decodeOrNull(String value, int maxLength) {
        if (value == null || value.length() > maxLength) {
            return null;
        }
        try {
            return Base64Url.decode(value, "header");
        } catch (KeyroomException e) {
            return null;
        }
    }

    /** What a refusal's audit entry names: the resource, the sending address, the site, the message. */
    private record Attempt(String resource, String source, String site, String what, String requestId) {}

    private KeyroomException refuse(Attempt a, ErrorCode code, String why, boolean authFailure) {
        audit.record(new AuditEvent(
                "site:" + a.site(),
                "REPLICATE",
                a.resource(),
                "refused: " + why + " (" + a.what() + ")",
                a.requestId(),
                a.source()));
        if (authFailure) {
            int n = failures.get(a.source(), s -> new AtomicInteger()).incrementAndGet();
            if (n >= FAILURES_BEFORE_BAN) {
                failures.invalidate(a.source());
                bans.ban("replication:" + a.source(), BAN, "10 failed replication authentications");
            }
        }
        return new KeyroomException(code, why);
    }
}
