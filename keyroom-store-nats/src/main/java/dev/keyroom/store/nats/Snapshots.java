package dev.keyroom.store.nats;

import dev.keyroom.core.error.KeyroomException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;
import io.nats.client.PurgeOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.ObjectMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a replica starts, and how the state stream stays bounded.
 *
 * <p>A snapshot is a consistent copy of one replica's database as of a stream sequence, kept in
 * the Object Store {@value #BUCKET}; the KV bucket of the same name holds the one pointer {@code
 * current = "<object> <seq>"}. A fresh replica downloads the current snapshot and applies the
 * stream from the next sequence. A newer snapshot replaces the pointer by compare-and-set (an older
 * one never wins), then the stream is purged up to the <em>previous</em> snapshot's sequence, so a
 * replica that is a little behind never finds its next command gone, and what retention dropped
 * leaves the stream within two snapshots.
 */
final class Snapshots {
    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);
    static final String BUCKET = "keyroom-snapshots";
    static final String POINTER = "current";

    record Pointer(String object, long seq, long revision) {}

    private final Connection nats;
    private final JetStreamManagement jsm;
    private final KeyValue pointers;
    private final ObjectStore objects;

    Snapshots(Connection nats, int replicas, Duration timeout) throws IOException, JetStreamApiException {
        this.nats = nats;
        this.jsm = nats.jetStreamManagement(NatsBuckets.options(timeout));
        this.pointers = NatsBuckets.keyValue(nats, BUCKET, replicas, Duration.ZERO, timeout);
        this.objects = NatsBuckets.objectStore(nats, BUCKET, replicas, timeout);
    }

    Optional<Pointer> current() throws IOException, JetStreamApiException {
        KeyValueEntry e = pointers.get(POINTER);
        if (e == null || e.getValue() == null) {
            return Optional.empty();
        }
        String[] parts = new String(e.getValue(), StandardCharsets.UTF_8).split(" ");
        return Optional.of(new Pointer(parts[0], Long.parseLong(parts[1]), e.getRevision()));
    }

    /**
     * Downloads the current snapshot to {@code file} and returns its sequence (0 without one). A
     * snapshot replaced while it was being read is retried with the newer one.
     */
    long restore(Path file) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Optional<Pointer> p = current();
            if (p.isEmpty()) {
                return 0;
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                objects.get(p.get().object(), out);
                log.atInfo()
                        .addKeyValue("snapshot", p.get().object())
                        .addKeyValue("seq", p.get().seq())
                        .log("the replica starts from a snapshot");
                return p.get().seq();
            } catch (JetStreamApiException | IllegalArgumentException | IOException gone) {
                if (attempt >= 4) {
                    throw gone;
                }
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Uploads {@code file} as the snapshot at {@code seq} and makes it current, unless a snapshot at
     * the same or a later sequence is current already (then it is dropped); on success, purges the
     * stream up to the previous snapshot's sequence and deletes the previous object. With {@code
     * onlyFirst}, it must be the cluster's first snapshot (migration): CONFLICT otherwise.
     */
    boolean publish(Path file, long seq, boolean onlyFirst) throws Exception {
        String name = "state-" + seq + "-" + Long.toHexString(new SecureRandom().nextLong());
        try (InputStream in = Files.newInputStream(file)) {
            objects.put(ObjectMeta.builder(name).build(), in);
        }
        byte[] value = (name + " " + seq).getBytes(StandardCharsets.UTF_8);
        Optional<Pointer> previous = current();
        try {
            if (previous.isEmpty()) {
                pointers.create(POINTER, value);
            } else if (onlyFirst) {
                throw KeyroomException.conflict(
                        "the cluster already has a snapshot; migrate only into an empty cluster");
            } else if (previous.get().seq() >= seq) {
                objects.delete(name);
                return false;
            } else {
                pointers.update(POINTER, value, previous.get().revision());
            }
        } catch (JetStreamApiException lostRace) {
            objects.delete(name);
            if (onlyFirst) {
                throw KeyroomException.conflict(
                        "the cluster already has a snapshot; migrate only into an empty cluster");
            }
            return false;
        }
        if (previous.isPresent()) {
            jsm.purgeStream(
                    JetStreamStore.STREAM,
                    PurgeOptions.builder().sequence(previous.get().seq() + 1).build());
            objects.delete(previous.get().object());
        }
        log.atInfo().addKeyValue("snapshot", name).addKeyValue("seq", seq).log("a new snapshot is current");
        return true;
    }

    Connection connection() {
        return nats;
    }

    /**
     * Copies {@code replica} as of now into {@code dir} (on the caller's thread, so at exactly the
     * sequence being applied) and publishes the copy as the snapshot at {@code seq} off that thread;
     * a failure is logged and leaves the stream unpurged.
     */
    void publishCopy(dev.keyroom.core.store.Store replica, Path dir, long seq) {
        Path copy = dir.resolve("snapshot-" + seq + ".db");
        try {
            Files.deleteIfExists(copy);
            replica.copyTo(copy);
        } catch (java.io.IOException | RuntimeException e) {
            log.atWarn().setCause(e).log("copying the replica for a snapshot failed; the stream is not purged");
            return;
        }
        Thread.ofVirtual().name("keyroom-snapshot").start(() -> {
            try {
                publish(copy, seq, false);
            } catch (Exception e) {
                log.atWarn().setCause(e).log("publishing a snapshot failed; the stream is not purged");
            } finally {
                try {
                    Files.deleteIfExists(copy);
                } catch (java.io.IOException e) {
                    log.atWarn().setCause(e).log("a snapshot copy was left behind");
                }
            }
        });
    }
}
