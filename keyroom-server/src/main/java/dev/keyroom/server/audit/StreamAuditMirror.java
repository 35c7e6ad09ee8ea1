package dev.keyroom.server.audit;

import dev.keyroom.protocol.audit.AuditChain;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In cluster mode, every node's audit log is copied, entry by entry and byte for byte, into the
 * cluster's stream {@value #STREAM}, one subject per node ({@code keyroom.audit.<node>}, the node
 * being its server key's endpoint id), so the whole cluster's trail is in one replicated place and
 * outlives the loss of a node's disk. Each node's chain verifies on its own from the stream
 * ({@code keyroom audit verify --cluster}).
 *
 * <p>The node's file stays the record that requests wait for and that fails closed; the copy
 * follows it within milliseconds. It is told of each written batch; when it falls behind (its queue
 * is full, NATS is down) it catches up from the file, from the last entry the stream holds for
 * this node. Entries carry a message id ({@code <node>-<seq>}), so one sent twice is stored once.
 */
public final class StreamAuditMirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamAuditMirror.class);
    public static final String STREAM = "KEYROOM_AUDIT";
    public static final String SUBJECT_PREFIX = "keyroom.audit.";

    private record Batch(long firstSeq, List<String> lines) {}

    private final FileAuditLog file;
    private final JetStream js;
    private final String node;
    private final String subject;
    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(1024);
    private final Thread worker;
    private volatile boolean closing;
    /** The seq of the last entry the stream acknowledged for this node. */
    private volatile long mirrored;
    /** Set when a batch could not be queued or sent: the next ones come from the file. */
    private volatile boolean behind = true;

    private StreamAuditMirror(FileAuditLog file, JetStream js, String node, long mirrored) {
        this.file = file;
        this.js = js;
        this.node = node;
        this.subject = SUBJECT_PREFIX + node;
        this.mirrored = mirrored;
        this.worker = Thread.ofPlatform().name("keyroom-audit-mirror").daemon().unstarted(this::run);
    }

    /** Starts copying {@code file} to the cluster's audit stream (created with {@code replicas} if missing). */
    public static StreamAuditMirror start(
            FileAuditLog file, Connection nats, int replicas, Duration timeout, String node)
            throws IOException, JetStreamApiException {
        JetStreamOptions options =
                JetStreamOptions.builder().requestTimeout(timeout).build();
        JetStreamManagement jsm = nats.jetStreamManagement(options);
        try {
            jsm.getStreamInfo(STREAM);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10059) {
                throw e;
            }
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(SUBJECT_PREFIX + ">")
                    .replicas(replicas)
                    .storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2))
                    .build());
        }
        StreamAuditMirror m = new StreamAuditMirror(file, nats.jetStream(options), node, lastSeq(jsm, node));
        file.onWritten(m::written);
        m.worker.start();
        return m;
    }

    /** The seq of the last entry the stream holds for {@code node}; 0 for none. */
    static long lastSeq(JetStreamManagement jsm, String node) throws IOException, JetStreamApiException {
        MessageInfo last;
        try {
            last = jsm.getLastMessage(STREAM, SUBJECT_PREFIX + node);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return 0;
            }
            throw e;
        }
        try {
            return AuditChain.parse(new String(last.getData(), StandardCharsets.UTF_8))
                    .seq();
        } catch (AuditChain.FormatException e) {
            throw new IOException("the audit stream's last entry for this node does not parse", e);
        }
    }

    private void written(long firstSeq, List<String> lines) {
        if (!queue.offer(new Batch(firstSeq, lines))) {
            behind = true;
        }
    }

    private void run() {
        long backoff = 100;
        while (!closing) {
            try {
                if (behind) {
                    queue.clear(); // what they hold is in the file too
                    behind = false;
                    List<String> page;
                    while (!(page = file.linesAfter(mirrored, 1000)).isEmpty() && !closing) {
                        send(mirrored + 1, page);
                    }
                } else {
                    Batch b = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (b != null) {
                        long skip = mirrored + 1 - b.firstSeq();
                        if (skip < 0) {
                            behind = true; // a batch went missing: read it from the file
                        } else if (skip < b.lines().size()) {
                            send(
                                    b.firstSeq() + skip,
                                    b.lines().subList((int) skip, b.lines().size()));
                        }
                    }
                }
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                behind = true;
                log.atWarn()
                        .addKeyValue("mirrored", mirrored)
                        .addKeyValue("retry_ms", backoff)
                        .setCause(e)
                        .log("copying the audit log to the cluster failed; retrying from the file");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** Sends entries {@code firstSeq}.. in order and waits for every acknowledgement. */
    private void send(long firstSeq, List<String> lines) throws Exception {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            long seq = firstSeq + i;
            acks.add(js.publishAsync(
                    subject,
                    null,
                    lines.get(i).getBytes(StandardCharsets.UTF_8),
                    PublishOptions.builder()
                            .expectedStream(STREAM)
                            .messageId(node + "-" + seq)
                            .build()));
        }
        for (int i = 0; i < acks.size(); i++) {
            acks.get(i).get(10, TimeUnit.SECONDS);
            mirrored = firstSeq + i;
        }
    }

    /** Entries written to the file and not yet in the stream. */
    public long lag() {
        return Math.max(0, file.writtenSeq() - mirrored);
    }

    public String subject() {
        return subject;
    }

    @Override
    public void close() {
        closing = true;
        file.onWritten((first, lines) -> {});
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
