package dev.keyroom.server.replication;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.audit.SiteAuditCopy;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A backup's replication listener, which has already required a client certificate from the
 * replication CA (REPL-3). Three things are taken there, each through the {@link ApplyGate}:
 *
 * <ul>
 *   <li>{@code POST /v1/replication/apply}: a batch of changes, applied in one transaction with the
 *       watermark (REPL-6); answers {@code {"watermark"}}, and a refusal carries it too, so a
 *       primary that sent a gap resumes from there;
 *   <li>{@code POST /v1/replication/audit}: a batch of the primary's audit entries, appended to this
 *       site's copy of that primary's log where they continue its chain; answers {@code
 *       {"audit_seq"}}, the last entry held, also on a refusal;
 *   <li>{@code PUT /v1/replication/blobs/{room}/{sha256}}: a blob, stored only if its bytes hash to
 *       the stamped address.
 * </ul>
 *
 * <p>Every answer carries the site epoch: a primary refused because this site was promoted past
 * its epoch learns there that it is fenced (REPL-7). A site that is not a backup takes nothing, and
 * a backup takes only its own epoch. Nothing else is served on this listener.
 */
public final class ApplyHandler extends Handler.Abstract {
    /** The largest batch body: 100 changes of up to the largest message envelope, and room to spare. */
    public static final int MAX_BODY = 32 << 20;

    private final ApplyGate gate;
    private final SiteLog store;
    private final BlobStore blobs;
    private final long maxBlobBytes;
    private final Path auditCopies;
    private final SiteRole site;
    private final RequestIds ids;
    private final Map<String, SiteAuditCopy> copies = new ConcurrentHashMap<>();

    /** {@code auditCopies}: the directory of the copies of primaries' audit logs, one file per site key. */
    public ApplyHandler(
            ApplyGate gate,
            SiteLog store,
            BlobStore blobs,
            long maxBlobBytes,
            Path auditCopies,
            SiteRole site,
            RequestIds ids) {
        this.gate = gate;
        this.store = store;
        this.blobs = blobs;
        this.maxBlobBytes = maxBlobBytes;
        this.auditCopies = auditCopies;
        this.site = site;
        this.ids = ids;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = ids.next();
        response.getHeaders().put(RequestIds.HEADER, id);
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (method.equals("POST") && ReplicationBatch.Feed.CHANGES.path().equals(path)) {
            applyBatch(ReplicationBatch.Feed.CHANGES, request, response, callback, id);
        } else if (method.equals("POST") && ReplicationBatch.Feed.AUDIT.path().equals(path)) {
            applyBatch(ReplicationBatch.Feed.AUDIT, request, response, callback, id);
        } else if (method.equals("PUT") && path != null && path.startsWith(ReplicationBlob.PATH_PREFIX)) {
            storeBlob(request, response, callback, id);
        } else {
            reply(response, callback, 404, error("not_found", "not found"));
        }
        return true;
    }

    private void applyBatch(
            ReplicationBatch.Feed feed, Request request, Response response, Callback callback, String id) {
        String source = Request.getRemoteAddr(request);
        if (request.getLength() > MAX_BODY) {
            reply(response, callback, 413, error("payload_too_large", "batch too large"));
            return;
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        if (body.length > MAX_BODY) {
            reply(response, callback, 413, error("payload_too_large", "batch too large"));
            return;
        }
        Answer a = apply(
                feed,
                source,
                request.getHeaders().get(ReplicationBatch.KEY_HEADER),
                request.getHeaders().get(ReplicationBatch.SIGNATURE_HEADER),
                body,
                id,
                true);
        reply(response, callback, a.status(), a.body());
    }

    /** An answer to a batch: its HTTP status and its body (the site epoch is added when sent). */
    record Answer(int status, Map<String, Object> body) {}

    /**
     * Checks and applies one batch of {@code feed} from {@code source}, as it came over HTTP or in a
     * stream; {@code metered}: whether it counts against the source's budget (a stream's batches
     * do not: opening the stream did).
     */
    Answer apply(
            ReplicationBatch.Feed feed,
            String source,
            String keyHeader,
            String signatureHeader,
            byte[] body,
            String id,
            boolean metered) {
        ApplyGate.Batch v;
        try {
            v = gate.check(feed, source, keyHeader, signatureHeader, body, id, metered);
        } catch (KeyroomException e) {
            return new Answer(ErrorResponses.status(e.code()), error(e));
        }
        // Where the primary stands with this backup, for it to resume from (only on a backup of its epoch).
        boolean resumable = site.kind() == SiteRole.Kind.BACKUP && v.batch().siteEpoch() == site.epoch();
        try {
            requireBackup();
            Map<String, Object> ok = new LinkedHashMap<>();
            if (feed == ReplicationBatch.Feed.CHANGES) {
                long watermark =
                        store.applyChanges(v.batch().siteEpoch(), v.batch().firstSeq(), v.changes());
                gate.outcome(source, v.verified(), "applied, watermark " + watermark, id);
                site.applied(v.batch().primaryLast(), java.time.Instant.now());
                ok.put("watermark", watermark);
            } else {
                requireEpoch(v.batch().siteEpoch());
                long held = copyOf(v.verified().siteKey()).append(v.batch().firstSeq(), v.changes());
                gate.outcome(source, v.verified(), "copied, audit entries up to " + held, id);
                ok.put("audit_seq", held);
            }
            return new Answer(200, ok);
        } catch (KeyroomException e) {
            gate.outcome(source, v.verified(), "refused: " + e.getMessage(), id);
            Map<String, Object> refused = error(e);
            if (resumable && feed == ReplicationBatch.Feed.CHANGES) {
                refused.put("watermark", store.appliedChanges());
            } else if (resumable) {
                SiteAuditCopy copy =
                        copies.get(EndpointId.of(v.verified().siteKey()).value());
                refused.put("audit_seq", copy == null ? 0 : copy.lastSeq());
            }
            return new Answer(ErrorResponses.status(e.code()), refused);
        }
    }

    /** Every answer names the site epoch (REPL-7). */
    Map<String, Object> withEpoch(Map<String, Object> body) {
        body.put("epoch", site.epoch());
        return body;
    }

    /** This site's copy of the audit log of the primary with {@code siteKey}, opened once. */
    private SiteAuditCopy copyOf(byte[] siteKey) {
        String name = EndpointId.of(siteKey).value();
        return copies.computeIfAbsent(name, n -> {
            try {
                return SiteAuditCopy.open(auditCopies.resolve(n + ".log"));
            } catch (IOException e) {
                throw new KeyroomException(ErrorCode.INTERNAL, "cannot open the audit copy", e);
            }
        });
    }

    /**
     * A blob's bytes, sent apart from the batches: stored under the stamped address only if they
     * hash to it (the blob store checks as it streams), at most the blob limit.
     */
    private void storeBlob(Request request, Response response, Callback callback, String id) {
        String source = Request.getRemoteAddr(request);
        if (request.getLength() > maxBlobBytes) {
            reply(response, callback, 413, error("payload_too_large", "blob too large"));
            return;
        }
        ApplyGate.Verified<ReplicationBlob> v;
        try {
            v = gate.checkBlob(
                    source,
                    request.getHeaders().get(ReplicationBatch.KEY_HEADER),
                    request.getHeaders().get(ReplicationBatch.SIGNATURE_HEADER),
                    request.getHeaders().get(ReplicationBlob.STAMP_HEADER),
                    id);
        } catch (KeyroomException e) {
            reply(response, callback, ErrorResponses.status(e.code()), error(e));
            return;
        }
        ReplicationBlob blob = v.message();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (!blob.path().equals(request.getHttpURI().getPath())) {
                throw KeyroomException.badRequest("the path is not the stamped blob's");
            }
            requireBackup();
            requireEpoch(blob.siteEpoch());
            boolean added = blobs.put(RoomId.parse(blob.room()), blob.sha256(), in, maxBlobBytes);
            gate.outcome(source, v, added ? "stored" : "already held", id);
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("stored", added);
            reply(response, callback, 200, ok);
        } catch (KeyroomException e) {
            gate.outcome(source, v, "refused: " + e.getMessage(), id);
            reply(response, callback, ErrorResponses.status(e.code()), error(e));
        } catch (IOException e) {
            gate.outcome(source, v, "refused: " + e.getMessage(), id);
            callback.failed(e);
        }
    }

    /** A site that is not a backup takes nothing from a primary (REPL-7). */
    private void requireBackup() {
        if (site.kind() != SiteRole.Kind.BACKUP) {
            throw KeyroomException.conflict("this site is a " + site.kind().wireName() + " at site epoch "
                    + site.epoch() + "; it applies no batches");
        }
    }

    /** A backup takes only its own site epoch (the changes check it again, in their transaction). */
    private void requireEpoch(long epoch) {
        if (epoch != site.epoch()) {
            throw KeyroomException.conflict("site epoch " + epoch + ": this site is at epoch " + site.epoch());
        }
    }

    private static Map<String, Object> error(KeyroomException e) {
        return error(e.code().wireName(), e.code() == ErrorCode.INTERNAL ? "internal error" : e.getMessage());
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        return m;
    }

    private void reply(Response response, Callback callback, int status, Map<String, Object> body) {
        withEpoch(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.write(body)), callback);
    }

    @Override
    protected void doStop() throws Exception {
        copies.values().forEach(SiteAuditCopy::close);
        copies.clear();
        super.doStop();
    }
}
