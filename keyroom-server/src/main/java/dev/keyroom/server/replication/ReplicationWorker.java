package dev.keyroom.server.replication;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.AuditLog;
import dev.keyroom.core.port.BlobStore;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.port.SiteLog;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.BlobEntry;
import dev.keyroom.core.site.FeedEntry;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.config.ReplicationSettings;
import dev.keyroom.server.tls.TlsMaterial;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A primary's replication worker (REPL-2): wakes as soon as a change or a blob is recorded, sends
 * the blobs waiting (each on its own, by address), then the changes in signed batches of {@value
 * #BATCH} on a stream over mutual TLS ({@link ChangeStream}, ADR 0004: the next batch as soon as
 * the last is applied, so under load a batch takes what accumulated meanwhile), then, at most once
 * a second, this node's audit entries; and forgets changes only once the backup acknowledged them. When the backup answers with its watermark (a
 * gap, a retry after a lost answer) it resumes from there. On failure it retries after 1, 5, 25,
 * 125 and 625 s; after the last it raises an alert (an error log, the metric {@code
 * keyroom.replication.alerts} and an audit entry) and keeps retrying every 625 s.
 *
 * <p>Every batch carries the site epoch. When the backup answers with a higher one, it was promoted
 * (REPL-7): this site is fenced (stored, audited, alerted) and the worker sends nothing more; the
 * changes it still holds are the writes the new primary never received.
 */
public final class ReplicationWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);
    public static final int BATCH = 100;
    /** The most a batch grows to under load, in changes and in bytes (below the backup's body cap). */
    static final int MAX_BATCH = 20_000;

    static final int MAX_BATCH_BYTES = 16 << 20;
    /** One batch a second at most: the backup takes 60 a minute from a source (REPL-5). */
    static final Duration PACE = Duration.ofSeconds(1);
    /** Audit entries in one batch at most (some 300 bytes each: well below the backup's body cap). */
    static final int MAX_AUDIT_ENTRIES = 20_000;

    /** Blobs a second at most: within the backup's budget for blobs. */
    static final int BLOBS_PER_SECOND = 20;

    public static final List<Duration> BACKOFF = List.of(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(25),
            Duration.ofSeconds(125),
            Duration.ofSeconds(625));

    private final SiteLog store;
    /** Whether this node sends the changes and blobs: always alone, one node of a cluster at a time. */
    private final java.util.function.BooleanSupplier leading;

    private final BlobStore blobs;
    /** This site's audit log, whose entries the backup keeps a copy of, if it is a file. */
    private final Optional<dev.keyroom.server.audit.FileAuditLog> auditFile;
    /** The last of this site's audit entries the backup holds; -1 until it says. */
    private volatile long auditAcked = -1;

    private final ReplicationSettings.PushSettings settings;
    private final Identity siteKey;
    private final SiteRole site;
    private final Clock clock;
    private final AuditLog audit;
    private final SecureRandom random;
    private final HttpClient http;
    private final Thread thread;
    private volatile boolean closed;
    /** The last change the backup acknowledged. */
    private final AtomicLong acked = new AtomicLong();

    private final AtomicLong alerts = new AtomicLong();
    private volatile String lastError = "";
    private volatile long lastBatchChanges;
    private volatile long lastBatchMillis;

    public ReplicationWorker(
            SiteLog store,
            java.util.function.BooleanSupplier leading,
            BlobStore blobs,
            Optional<dev.keyroom.server.audit.FileAuditLog> auditFile,
            ReplicationSettings.PushSettings settings,
            Identity siteKey,
            SiteRole site,
            Clock clock,
            AuditLog audit,
            SecureRandom random)
            throws IOException {
        this.store = store;
        this.leading = leading;
        this.blobs = blobs;
        this.auditFile = auditFile;
        this.site = site;
        this.settings = settings;
        this.siteKey = siteKey;
        this.clock = clock;
        this.audit = audit;
        this.random = random;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(ServerTrust.pin(settings.backupPin()).sslContext(clientKeys(settings)))
                .build();
        resync();
        this.thread = Thread.ofPlatform().name("keyroom-replication").daemon().unstarted(this::run);
        store.onChangeRecorded(() -> LockSupport.unpark(thread));
    }

    /** What the backup acknowledged, as the feed shows it: the changes before the first one kept. */
    private void resync() {
        List<FeedEntry> first = store.changesAfter(0, 1);
        acked.set(first.isEmpty() ? store.lastChange() : first.getFirst().seq() - 1);
    }

    /** The certificate this site proves itself with, from the replication CA. */
    private static javax.net.ssl.KeyManager[] clientKeys(ReplicationSettings.PushSettings settings) throws IOException {
        TlsMaterial m = TlsMaterial.read(settings.clientTlsDir());
        char[] password = "replication".toCharArray();
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(m.keyStore(password), password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the replication client certificate", e);
        }
    }

    public void start() {
        thread.start();
    }

    /** The last change the backup acknowledged. */
    public long acknowledged() {
        return acked.get();
    }

    /** Whether this node sends the changes and blobs (in a cluster, the node holding the sender's lease). */
    public boolean sender() {
        return leading.getAsBoolean();
    }

    /** Blobs stored and not yet held by the backup. */
    public long blobsWaiting() {
        return store.blobsWaiting();
    }

    /** Changes recorded and not yet acknowledged. */
    public long pending() {
        return Math.max(0, store.lastChange() - acked.get());
    }

    public long alerts() {
        return alerts.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Changes in the last batch the backup took, and how long sending and applying it took. */
    public long lastBatchChanges() {
        return lastBatchChanges;
    }

    public long lastBatchMillis() {
        return lastBatchMillis;
    }

    private void run() {
        int failures = 0;
        long lastAudit = System.nanoTime() - PACE.toNanos();
        while (!closed) {
            if (site.kind() == SiteRole.Kind.FENCED) {
                lastError = "fenced: " + site.refusesWrites().orElse("");
                closeStream();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            List<FeedEntry> batch = List.of();
            boolean blobsDue = false;
            boolean auditDue = false;
            long auditWait = TimeUnit.SECONDS.toNanos(1);
            try {
                boolean lead = leading.getAsBoolean();
                if (lead) {
                    // Changes go as soon as they exist, one batch in flight on the stream; what
                    // accumulates meanwhile goes together (so a batch grows past 100 only under load).
                    batch = takeBatch();
                    blobsDue = !store.blobsToSend(1).isEmpty();
                } else {
                    resync(); // another node sends the feeds and forgets what the backup took
                    closeStream();
                }
                // Audit entries go by HTTP, at most once a second (their budget at the backup).
                if (auditWaiting() > 0) {
                    auditWait = lastAudit + PACE.toNanos() - System.nanoTime();
                    auditDue = auditWait <= 0;
                }
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("cannot read the change feed");
            }
            if (batch.isEmpty() && !blobsDue && !auditDue) {
                LockSupport.parkNanos(Math.max(1, Math.min(auditWait, TimeUnit.SECONDS.toNanos(1))));
                continue;
            }
            try {
                // Blobs first: a message's blob was stored before the message, so it reaches the backup first.
                if (blobsDue) {
                    sendBlobs();
                }
                if (!batch.isEmpty()) {
                    sendChanges(batch);
                }
                if (auditDue) {
                    lastAudit = System.nanoTime();
                    sendAudit();
                }
                failures = 0;
                lastError = "";
            } catch (Exception e) {
                closeStream();
                failures++;
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                Duration wait = BACKOFF.get(Math.min(failures, BACKOFF.size()) - 1);
                log.atWarn()
                        .addKeyValue("failures", failures)
                        .addKeyValue("retry_s", wait.toSeconds())
                        .addKeyValue("error", lastError)
                        .log("replication to the backup failed");
                if (failures == BACKOFF.size()) {
                    log.atError()
                            .addKeyValue("pending", pending())
                            .log("ALERT: the backup has not taken changes through the whole retry table");
                    alert("alert: " + lastError);
                }
                waitToRetry(wait);
            }
        }
        closeStream();
    }

    private ChangeStream stream;

    private void closeStream() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    /** Counts an alert and audits it; a failing audit log is logged, and the worker goes on. */
    private void alert(String outcome) {
        alerts.incrementAndGet();
        try {
            audit.record(new AuditEvent("site", "REPLICATE", settings.backup().toString(), outcome, "-", "-"));
        } catch (RuntimeException auditDown) {
            log.atError().setCause(auditDown).log("the replication alert could not be audited");
        }
    }

    /** The backup named a site epoch: a higher one than this site's fences it (REPL-7). */
    private void heardEpoch(JsonNode json) {
        JsonNode e = json.get("epoch");
        if (e != null && e.isIntegralNumber() && e.asLong() > site.epoch() && site.fence(e.asLong())) {
            alert("fenced: the backup is at site epoch " + e.asLong() + ", this site at " + site.epoch());
        }
    }

    /**
     * The next batch: {@value #BATCH} changes, or, when more are waiting, all that are (up to
     * {@value #MAX_BATCH} changes and {@value #MAX_BATCH_BYTES} bytes).
     */
    private List<FeedEntry> takeBatch() {
        return takeBatch(acked.get());
    }

    /** As {@link #takeBatch()}, of the changes after {@code afterSeq}. */
    private List<FeedEntry> takeBatch(long afterSeq) {
        List<FeedEntry> out = new java.util.ArrayList<>(store.changesAfter(afterSeq, BATCH));
        long bytes = out.stream().mapToLong(e -> e.change().length).sum();
        while (out.size() >= BATCH && out.size() < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
            List<FeedEntry> more = store.changesAfter(out.getLast().seq(), 1000);
            if (more.isEmpty()) {
                break;
            }
            for (FeedEntry e : more) {
                if (out.size() >= MAX_BATCH || bytes + e.change().length > MAX_BATCH_BYTES) {
                    return out;
                }
                out.add(e);
                bytes += e.change().length;
            }
        }
        return out;
    }

    /** Batches sent on the stream and not answered yet, at most. */
    static final int IN_FLIGHT = 2;

    /** A batch sent on the stream, waiting for its answer. */
    private record InFlight(long firstSeq, long lastSeq, int size, long sentAt, CompletableFuture<String> answer) {}

    /**
     * Sends the changes waiting on the stream (opened when needed), {@code first} first, keeping up
     * to {@value #IN_FLIGHT} batches in flight, so the next is on its way while the backup applies
     * one; for about a second at most, so blobs and audit entries get their turn. Each answer
     * moves the acknowledged sequence on; an answer that puts the backup elsewhere than the batch
     * assumed (a gap) drops the batches after it, and the next round resumes from the backup.
     */
    private void sendChanges(List<FeedEntry> first) throws IOException, InterruptedException {
        if (stream == null || !stream.isOpen()) {
            stream = ChangeStream.open(http, settings.backup(), Duration.ofSeconds(10));
        }
        java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
        long until = System.nanoTime() + PACE.toNanos();
        List<FeedEntry> next = first;
        while (true) {
            if (!next.isEmpty() && inFlight.size() < IN_FLIGHT && System.nanoTime() < until) {
                inFlight.add(new InFlight(
                        next.getFirst().seq(),
                        next.getLast().seq(),
                        next.size(),
                        System.nanoTime(),
                        stream.sendAsync(frame(next), Duration.ofSeconds(30))));
                next = takeBatch(next.getLast().seq());
                continue;
            }
            InFlight sent = inFlight.poll();
            if (sent == null) {
                return;
            }
            long watermark = watermark(stream.answer(sent.answer(), Duration.ofSeconds(60)), sent.firstSeq());
            lastBatchChanges = sent.size();
            lastBatchMillis = (System.nanoTime() - sent.sentAt()) / 1_000_000;
            if (watermark > acked.get()) {
                store.forgetChangesUpTo(watermark);
                acked.set(watermark);
            }
            if (watermark != sent.lastSeq()) {
                closeStream(); // the batches after it assumed otherwise
                return;
            }
            if (next.isEmpty() && inFlight.isEmpty() && System.nanoTime() < until) {
                next = takeBatch(watermark);
            }
        }
    }

    /** A batch of changes as a stream message: the site key, the signature and the signed body. */
    private byte[] frame(List<FeedEntry> batch) {
        ReplicationBatch.Signed signed = ReplicationBatch.sign(
                ReplicationBatch.Feed.CHANGES,
                siteKey,
                site.epoch(),
                batch.getFirst().seq(),
                batch.stream().map(FeedEntry::change).toList(),
                nonce(),
                clock.now(),
                Math.max(batch.getLast().seq(), store.lastChange()));
        byte[] signature = Base64Url.decode(signed.signature(), "signature");
        byte[] key = siteKey.signPub();
        byte[] frame = new byte[key.length + signature.length + signed.body().length];
        System.arraycopy(key, 0, frame, 0, key.length);
        System.arraycopy(signature, 0, frame, key.length, signature.length);
        System.arraycopy(signed.body(), 0, frame, key.length + signature.length, signed.body().length);
        return frame;
    }

    /** The backup's watermark from its answer to a batch that started at {@code firstSeq}. */
    private long watermark(String answer, long firstSeq) throws IOException {
        JsonNode json = heard(answer, -1);
        JsonNode status = json.get("status");
        long watermark = position(
                status == null ? 500 : status.asInt(), json, firstSeq, "watermark", ReplicationBatch.Feed.CHANGES);
        if (watermark < acked.get()) {
            throw new IOException("the backup is back at change " + watermark + ", before the " + acked.get()
                    + " it acknowledged: start it again from a copy of this site's store");
        }
        return watermark;
    }

    /**
     * Signs and posts one batch of {@code feed}; returns where the backup stands after it (the
     * answer's {@code position} field), as {@link #position} reads it.
     */
    private long push(ReplicationBatch.Feed feed, long firstSeq, List<byte[]> records, String position)
            throws IOException, InterruptedException {
        ReplicationBatch.Signed signed =
                ReplicationBatch.sign(feed, siteKey, site.epoch(), firstSeq, records, nonce(), clock.now());
        HttpRequest request = HttpRequest.newBuilder(settings.backup().resolve(feed.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(ReplicationBatch.KEY_HEADER, signed.key())
                .header(ReplicationBatch.SIGNATURE_HEADER, signed.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return position(r.statusCode(), answer(r), firstSeq, position, feed);
    }

    /**
     * Where the backup stands after a batch that started at {@code firstSeq}: from its acceptance,
     * or from a refusal that shows it stands elsewhere than the batch assumed (a gap, a retry after a
     * lost answer), to resume from. Any other refusal, one of a batch that started right after the
     * backup's position, is a failure.
     */
    private long position(int status, JsonNode json, long firstSeq, String field, ReplicationBatch.Feed feed)
            throws IOException {
        JsonNode at = json.get(field);
        if (status == 200 && at != null) {
            return at.asLong();
        }
        JsonNode epoch = json.get("epoch");
        if (status == 409
                && at != null
                && at.asLong() != firstSeq - 1
                && epoch != null
                && epoch.asLong() == site.epoch()) {
            log.atInfo()
                    .addKeyValue("feed", feed.name())
                    .addKeyValue("position", at.asLong())
                    .log("the backup asked to resume from where it stands");
            return at.asLong();
        }
        throw new IOException("the backup answered " + status + ": "
                + (json.get("message") == null ? "" : json.get("message").asString()));
    }

    /**
     * Sends the blobs waiting, oldest first, at most {@value #BLOBS_PER_SECOND} a second (the
     * backup's budget for blobs), each forgotten once the backup holds it.
     */
    private void sendBlobs() throws IOException, InterruptedException {
        for (BlobEntry b : store.blobsToSend(100)) {
            if (closed) {
                return;
            }
            Optional<Long> size = blobs.size(b.room(), b.sha256());
            if (size.isEmpty()) {
                log.atError()
                        .addKeyValue("room", b.room().value())
                        .addKeyValue("sha256", b.sha256())
                        .log("a blob recorded for the backup is not in this site's blob store; it cannot be sent");
                store.forgetBlob(b.seq());
                continue;
            }
            ReplicationBlob stamp =
                    ReplicationBlob.of(site.epoch(), b.room().value(), b.sha256(), size.get(), nonce(), clock.now());
            ReplicationBlob.Signed signed = ReplicationBlob.sign(siteKey, stamp);
            HttpRequest request = HttpRequest.newBuilder(settings.backup().resolve(stamp.path()))
                    .timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/octet-stream")
                    .header(ReplicationBatch.KEY_HEADER, signed.key())
                    .header(ReplicationBatch.SIGNATURE_HEADER, signed.signature())
                    .header(ReplicationBlob.STAMP_HEADER, signed.stamp())
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() ->
                                    blobs.open(b.room(), b.sha256()).orElseGet(java.io.InputStream::nullInputStream)),
                            size.get()))
                    .build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = answer(r);
            if (r.statusCode() != 200) {
                throw new IOException("the backup answered " + r.statusCode() + " to a blob: "
                        + (json.get("message") == null
                                ? ""
                                : json.get("message").asString()));
            }
            store.forgetBlob(b.seq());
            Thread.sleep(1000 / BLOBS_PER_SECOND);
        }
    }

    /**
     * Sends the audit entries the backup does not hold yet, up to {@value #MAX_AUDIT_ENTRIES}, as a
     * batch of the audit feed (its own budget at the backup: 60 a minute). The first one after a
     * start is empty: the backup answers with the last entry it holds.
     */
    private void sendAudit() throws IOException, InterruptedException {
        long from = Math.max(0, auditAcked);
        List<byte[]> lines = auditAcked < 0
                ? List.of()
                : auditFile.orElseThrow().linesAfter(from, MAX_AUDIT_ENTRIES).stream()
                        .map(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toList();
        auditAcked = push(ReplicationBatch.Feed.AUDIT, from + 1, lines, "audit_seq");
    }

    /** Audit entries written here and not yet held by the backup (1 while it has not said). */
    public long auditWaiting() {
        if (auditFile.isEmpty()) {
            return 0;
        }
        long acked = auditAcked;
        return acked < 0 ? 1 : Math.max(0, auditFile.get().writtenSeq() - acked);
    }

    /** The backup's answer as JSON, after hearing the site epoch it names (REPL-7). */
    private JsonNode answer(HttpResponse<String> r) throws IOException {
        return heard(r.body(), r.statusCode());
    }

    private JsonNode heard(String body, int status) throws IOException {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (RuntimeException e) {
            throw new IOException("the backup answered " + status + " without JSON");
        }
        heardEpoch(json);
        if (site.kind() == SiteRole.Kind.FENCED) {
            throw new IOException("fenced: the backup was promoted past this site's epoch");
        }
        return json;
    }

    private String nonce() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }

    /**
     * The blob store this site's clients write to: every blob stored, or stored again (a client
     * retrying an upload whose answer it lost), is recorded for the backup.
     */
    public BlobStore feeding() {
        return new BlobStore() {
            @Override
            public boolean put(RoomId room, String sha256Hex, java.io.InputStream body, long maxBytes) {
                boolean added = blobs.put(room, sha256Hex, body, maxBytes);
                store.recordBlob(room, sha256Hex, clock.now());
                return added;
            }

            @Override
            public boolean adopt(
                    RoomId room, String sha256Hex, java.nio.file.Path file, byte[] fileSha256, long maxBytes) {
                boolean added = blobs.adopt(room, sha256Hex, file, fileSha256, maxBytes);
                store.recordBlob(room, sha256Hex, clock.now());
                return added;
            }

            @Override
            public Optional<Long> size(RoomId room, String sha256Hex) {
                return blobs.size(room, sha256Hex);
            }

            @Override
            public Optional<java.io.InputStream> open(RoomId room, String sha256Hex) {
                return blobs.open(room, sha256Hex);
            }
        };
    }

    /** Set by an operator's {@link #retryNow()}: the wait for the next retry ends at once. */
    private volatile boolean retryNow;

    /**
     * Cuts the wait for the next retry short, once (an operator who brought the backup back says
     * so: {@code keyroom site retry}); the table goes on where it was if that retry fails too.
     * Whether the worker was waiting to retry.
     */
    public boolean retryNow() {
        boolean waiting = retrying;
        retryNow = true;
        return waiting;
    }

    /** Whether the worker is waiting for its next retry. */
    private volatile boolean retrying;

    /** When the worker retries next (System.nanoTime()), while it waits to. */
    private volatile long retryAt;

    /** How long until the next retry, while the worker waits to retry after a failure. */
    public Optional<Duration> nextRetry() {
        long at = retryAt;
        return retrying ? Optional.of(Duration.ofNanos(Math.max(0, at - System.nanoTime()))) : Optional.empty();
    }

    private void waitToRetry(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        retryNow = false;
        retryAt = until;
        retrying = true;
        try {
            waitUntil(until);
        } finally {
            retrying = false;
        }
    }

    private void waitUntil(long until) {
        while (!closed && !retryNow && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** When the oldest unacknowledged change was recorded, or now without one. */
    public Instant oldestPending() {
        List<FeedEntry> first = store.changesAfter(acked.get(), 1);
        return first.isEmpty() ? clock.now() : first.getFirst().at();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        siteKey.close();
    }
}
