package dev.keyroom.server.replication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.AuditLog;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
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
 * What a backup checks before it applies a batch (REPL-3, REPL-5), in order: the source is not
 * banned; it is within its rate (60 a minute); the batch is signed by one of the configured primary
 * site keys (compared in constant time, over the raw body); it parses; it was made at most 300 s
 * ago (or ahead); its nonce was not seen before. Every attempt is audited with its source, its
 * change count and its outcome; ten failed authentications of a source ban it for an hour.
 *
 * <p>Mutual TLS with the replication CA comes first, on the endpoint's own listener.
 */
public final class ApplyGate {
    public static final Duration WINDOW = Duration.ofSeconds(300);
    public static final int FAILURES_BEFORE_BAN = 10;
    public static final Duration BAN = Duration.ofHours(1);
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    /** A batch that passed every check, with its changes decoded from base64url. */
    public record Verified(String site, ReplicationBatch batch, List<byte[]> changes) {}

    private final List<byte[]> primaryKeys;
    private final Clock clock;
    private final AuditLog audit;
    private final BanList bans;
    private final RateLimiter rate = new RateLimiter(new RateLimiter.Policy("replication", 1, 60), 10_000);
    private final Cache<String, AtomicInteger> failures =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(BAN).build();
    /** Nonces seen within the window (twice the window: a batch is valid that long around its time). */
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

    /** Checks one attempt from {@code source}; refuses with the reason, audited, or returns the batch. */
    public Verified check(String source, String keyHeader, String signatureHeader, byte[] body, String requestId) {
        String subject = "replication:" + source;
        if (bans.bannedUntil(subject).isPresent()) {
            throw refuse(source, "-", 0, requestId, ErrorCode.FORBIDDEN, "this source is banned for now", false);
        }
        if (rate.tryAcquire(source) instanceof RateLimiter.Decision.Refused) {
            throw refuse(source, "-", 0, requestId, ErrorCode.RATE_LIMITED, "too many batches from this source", false);
        }
        byte[] key = decodeOrNull(keyHeader);
        byte[] signature = decodeOrNull(signatureHeader);
        String site = key == null ? "-" : Base64Url.encode(key).substring(0, Math.min(8, keyHeader.length()));
        if (key == null || signature == null || !authorised(key)) {
            throw refuse(source, site, 0, requestId, ErrorCode.UNAUTHORIZED, "not signed by a primary site key", true);
        }
        if (!Ed25519.verify(key, ReplicationBatch.signedMessage(body), signature)) {
            throw refuse(source, site, 0, requestId, ErrorCode.UNAUTHORIZED, "bad batch signature", true);
        }
        ReplicationBatch batch;
        try {
            batch = Json.readBatch(body, ReplicationBatch.class); // signature verified above
        } catch (KeyroomException e) {
            throw refuse(source, site, 0, requestId, ErrorCode.BAD_REQUEST, e.getMessage(), false);
        }
        int count = batch.changes() == null ? 0 : batch.changes().size();
        Instant created;
        try {
            created = Instant.parse(String.valueOf(batch.created()));
        } catch (DateTimeParseException e) {
            throw refuse(source, site, count, requestId, ErrorCode.BAD_REQUEST, "created is not a time", false);
        }
        Duration age = Duration.between(created, clock.now()).abs();
        if (age.compareTo(WINDOW) > 0) {
            throw refuse(source, site, count, requestId, ErrorCode.UNAUTHORIZED, "batch older than 300 s", true);
        }
        if (batch.nonce() == null || !NONCE.matcher(batch.nonce()).matches()) {
            throw refuse(source, site, count, requestId, ErrorCode.BAD_REQUEST, "malformed nonce", false);
        }
        if (nonces.asMap().putIfAbsent(batch.nonce(), Boolean.TRUE) != null) {
            throw refuse(source, site, count, requestId, ErrorCode.UNAUTHORIZED, "replayed batch", true);
        }
        List<byte[]> changes = new ArrayList<>(count);
        for (String c : batch.changes() == null ? List.<String>of() : batch.changes()) {
            changes.add(Base64Url.decode(c, "change"));
        }
        return new Verified(site, batch, changes);
    }

    /** Records how an authenticated batch ended (applied, gap, refused by the store). */
    public void outcome(String source, Verified v, String outcome, String requestId) {
        audit.record(new AuditEvent(
                "site:" + v.site(),
                "REPLICATE",
                ReplicationBatch.PATH,
                outcome + " (" + v.changes().size() + " changes)",
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

    private static byte[] decodeOrNull(String value) {
        if (value == null || value.length() > 200) {
            return null;
        }
        try {
            return Base64Url.decode(value, "header");
        } catch (KeyroomException e) {
            return null;
        }
    }

    private KeyroomException refuse(
            String source, String site, int count, String requestId, ErrorCode code, String why, boolean authFailure) {
        audit.record(new AuditEvent(
                "site:" + site,
                "REPLICATE",
                ReplicationBatch.PATH,
                "refused: " + why + " (" + count + " changes)",
                requestId,
                source));
        if (authFailure) {
            int n = failures.get(source, s -> new AtomicInteger()).incrementAndGet();
            if (n >= FAILURES_BEFORE_BAN) {
                failures.invalidate(source);
                bans.ban("replication:" + source, BAN, "10 failed replication authentications");
            }
        }
        return new KeyroomException(code, why);
    }
}
