package dev.keyroom.server.audit;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.audit.FileAuditLog.Settings;
import dev.keyroom.server.audit.FileAuditLog.SignerSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit log's signed checkpoints ({@code checkpoints.log}, in the format of {@link
 * AuditChain}): the seq and hash of a synced entry, the time, and the server key's signature,
 * every {@code checkpointEvery} entries or {@code checkpointInterval}, and at a clean stop. Only
 * the syncer's thread writes them.
 */
final class AuditCheckpoints {
    private final FileChannel file;
    private final SignerSource signerSource;
    private final Clock clock;
    private final Settings settings;
    /** Loaded by the sync thread at the first checkpoint, so that start does not wait for it. */
    private Identity signer;

    private long checkpointedSeq;
    private long lastCheckpointNanos = System.nanoTime();

    /** Checkpoints written to {@code file}; {@code last}, the chain's end at start, counts as checkpointed. */
    AuditCheckpoints(FileChannel file, SignerSource signer, Clock clock, Settings settings, AuditLogState.Link last) {
        this.file = file;
        this.signerSource = signer;
        this.clock = clock;
        this.settings = settings;
        this.checkpointedSeq = last.seq();
    }

    /**
     * Writes and syncs a checkpoint of entry {@code seq} (whose hash is {@code hash}) when one is
     * due, as always when the log is {@code closing} past the last checkpoint.
     */
    void maybeCheckpoint(long seq, String hash, boolean closing) throws IOException {
        boolean due = seq - checkpointedSeq >= settings.checkpointEvery()
                || (seq > checkpointedSeq
                        && System.nanoTime() - lastCheckpointNanos
                                >= settings.checkpointInterval().toNanos())
                || (closing && seq > checkpointedSeq);
        if (!due) {
            return;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seq", seq);
        c.put("hash", hash);
        c.put("time", clock.now().toString());
        if (signer == null) {
            signer = signerSource.load();
        }
        c.put("signature", Base64Url.encode(signer.sign(AuditChain.checkpointMessage(seq, hash))));
        ByteBuffer bytes =
                ByteBuffer.wrap((Json.mapper().writeValueAsString(c) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
        file.force(false);
        checkpointedSeq = seq;
        lastCheckpointNanos = System.nanoTime();
    }
}
