package dev.keyroom.server.replication;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.port.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.http.ErrorResponses;
import dev.keyroom.server.http.RequestIds;
import dev.keyroom.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/replication/apply} and {@code PUT /v1/replication/blobs/{room}/{sha256}} on a
 * backup's own listener, which has already required a
 * client certificate from the replication CA (REPL-3): the body is capped, the batch goes through
 * the {@link ApplyGate} and is applied in one transaction with the watermark (REPL-6). Answers
 * {@code {"watermark": N, "epoch": E}}, or an error that carries the watermark too, so a primary
 * that sent a gap resumes from there. Every answer carries the site epoch: a primary whose batch is
 * refused because this site was promoted past its epoch learns that it is fenced (REPL-7). A site
 * that is not a backup applies nothing. Nothing else is served on this listener.
 */
public final class ApplyHandler extends Handler.Abstract {
    /** The largest batch body: 100 changes of up to the largest message envelope, and room to spare. */
    public static final int MAX_BODY = 32 << 20;

    private final ApplyGate gate;
    private final SqliteStore store;
    private final BlobStore blobs;
    private final long maxBlobBytes;
    private final SiteRole site;
    private final RequestIds ids;

    public ApplyHandler(
            ApplyGate gate, SqliteStore store, BlobStore blobs, long maxBlobBytes, SiteRole site, RequestIds ids) {
        this.gate = gate;
        this.store = store;
        this.blobs = blobs;
        this.maxBlobBytes = maxBlobBytes;
        this.site = site;
        this.ids = ids;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = ids.next();
        response.getHeaders().put(RequestIds.HEADER, id);
        String path = request.getHttpURI().getPath();
        if (request.getMethod().equals("POST") && ReplicationBatch.PATH.equals(path)) {
            applyBatch(request, response, callback, id);
        } else if (request.getMethod().equals("PUT") && path != null && path.startsWith(ReplicationBlob.PATH_PREFIX)) {
            storeBlob(request, response, callback, id);
        } else {
            reply(response, callback, 404, error("not_found", "not found", null));
        }
        return true;
    }

    private void applyBatch(Request request, Response response, Callback callback, String id) {
        String source = Request.getRemoteAddr(request);
        if (request.getLength() > MAX_BODY) {
            reply(response, callback, 413, error("payload_too_large", "batch too large", null));
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
            reply(response, callback, 413, error("payload_too_large", "batch too large", null));
            return;
        }
        ApplyGate.Batch v;
        try {
            v = gate.check(
                    source,
                    request.getHeaders().get(ReplicationBatch.KEY_HEADER),
                    request.getHeaders().get(ReplicationBatch.SIGNATURE_HEADER),
                    body,
                    id);
        } catch (KeyroomException e) {
            reply(response, callback, ErrorResponses.status(e.code()), error(e, null));
            return;
        }
        try {
            requireBackup();
            long watermark = store.applyChanges(v.batch().siteEpoch(), v.batch().firstSeq(), v.changes());
            gate.outcome(source, v.verified(), "applied, watermark " + watermark, id);
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("watermark", watermark);
            reply(response, callback, 200, ok);
        } catch (KeyroomException e) {
            gate.outcome(source, v.verified(), "refused: " + e.getMessage(), id);
            // The watermark, for a primary to resume from, only on a backup (not on a promoted site).
            Long watermark = site.kind() == SiteRole.Kind.BACKUP ? store.appliedChanges() : null;
            reply(response, callback, ErrorResponses.status(e.code()), error(e, watermark));
        }
    }

    /**
     * A blob's bytes, sent apart from the batches: stored under the stamped address only if they
     * hash to it (the blob store checks as it streams), at most the blob limit.
     */
    private void storeBlob(Request request, Response response, Callback callback, String id) {
        String source = Request.getRemoteAddr(request);
        if (request.getLength() > maxBlobBytes) {
            reply(response, callback, 413, error("payload_too_large", "blob too large", null));
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
            reply(response, callback, ErrorResponses.status(e.code()), error(e, null));
            return;
        }
        ReplicationBlob blob = v.message();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (!blob.path().equals(request.getHttpURI().getPath())) {
                throw KeyroomException.badRequest("the path is not the stamped blob's");
            }
            requireBackup();
            if (blob.siteEpoch() != site.epoch()) {
                throw KeyroomException.conflict(
                        "a blob of site epoch " + blob.siteEpoch() + ": this site is at epoch " + site.epoch());
            }
            boolean added = blobs.put(RoomId.parse(blob.room()), blob.sha256(), in, maxBlobBytes);
            gate.outcome(source, v, added ? "stored" : "already held", id);
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("stored", added);
            reply(response, callback, 200, ok);
        } catch (KeyroomException e) {
            gate.outcome(source, v, "refused: " + e.getMessage(), id);
            reply(response, callback, ErrorResponses.status(e.code()), error(e, null));
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

    private static Map<String, Object> error(KeyroomException e, Long watermark) {
        return error(
                e.code().wireName(), e.code() == ErrorCode.INTERNAL ? "internal error" : e.getMessage(), watermark);
    }

    private static Map<String, Object> error(String code, String message, Long watermark) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        if (watermark != null) {
            m.put("watermark", watermark);
        }
        return m;
    }

    /** Every answer names the site epoch (REPL-7). */
    private void reply(Response response, Callback callback, int status, Map<String, Object> body) {
        body.put("epoch", site.epoch());
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.write(body)), callback);
    }
}
