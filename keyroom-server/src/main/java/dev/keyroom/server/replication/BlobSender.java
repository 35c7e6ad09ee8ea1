package dev.keyroom.server.replication;

import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.site.BlobEntry;
import dev.keyroom.core.site.SiteLog;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The blob feed's sender: blobs go apart from the changes, each on its own, by address, under a
 * signed {@link ReplicationBlob} stamp, and each is forgotten once the backup holds it.
 */
final class BlobSender {
    /** Logs under the worker's name, as the worker did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);

    /** Blobs a second at most: within the backup's budget for blobs. */
    static final int BLOBS_PER_SECOND = 20;

    private final SiteLog store;
    private final BlobStore blobs;
    private final BackupLink link;
    private final SiteSigner signer;

    BlobSender(SiteLog store, BlobStore blobs, BackupLink link, SiteSigner signer) {
        this.store = store;
        this.blobs = blobs;
        this.link = link;
        this.signer = signer;
    }

    /**
     * Sends the blobs waiting, oldest first, at most {@value #BLOBS_PER_SECOND} a second (the
     * backup's budget for blobs), each forgotten once the backup holds it; stops early once {@code
     * closed} (the worker is closing: the blobs left wait for the next start).
     */
    void send(BooleanSupplier closed) throws IOException, InterruptedException {
        for (BlobEntry b : store.blobsToSend(100)) {
            if (closed.getAsBoolean()) {
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
            ReplicationBlob stamp = ReplicationBlob.of(
                    signer.site().epoch(),
                    b.room().value(),
                    b.sha256(),
                    size.get(),
                    signer.nonce(),
                    signer.clock().now());
            ReplicationBlob.Signed signed = ReplicationBlob.sign(signer.key(), stamp);
            HttpRequest request = HttpRequest.newBuilder(link.backup().resolve(stamp.path()))
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
            HttpResponse<String> r = link.http().send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = link.answer(r);
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
}
