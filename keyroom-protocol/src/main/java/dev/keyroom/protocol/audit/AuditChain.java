package dev.keyroom.protocol.audit;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log's file format (LOG-4). One JSON object per line, keys in this order: {@code seq,
 * time, actor, action, resource, outcome, request_id, remote, prev_hash, hash}. {@code hash} is the
 * lowercase hex SHA-256 of the line's UTF-8 bytes before {@code ,"hash":} (so it covers {@code
 * prev_hash}, chaining every entry to the one before); the first entry's {@code prev_hash} is 64
 * zeros. Checkpoints live in a second file, one JSON object per line {@code seq, hash, time,
 * signature}: an Ed25519 signature by the server's key over {@code keyroom/v1/audit-checkpoint}, a
 * zero byte, the 8-byte big-endian seq and the 32-byte hash, which fixes the log up to that entry.
 *
 * <p>Hashes are always recomputed over the raw line, never over re-serialised JSON.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    private static final String HASH_KEY = ",\"hash\":\"";
    private static final byte[] CHECKPOINT_CONTEXT =
            "keyroom/v1/audit-checkpoint\0".getBytes(StandardCharsets.US_ASCII);

    private AuditChain() {}

    /** One entry as stored. */
    public record Entry(
            long seq,
            String time,
            String actor,
            String action,
            String resource,
            String outcome,
            String requestId,
            String remote,
            String prevHash,
            String hash) {}

    /** One signed checkpoint as stored. */
    public record Checkpoint(long seq, String hash, String time, String signature) {}

    /** A line that is not an entry of this format, or whose hash does not match its content. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    /** The stored line (without newline) of {@code event}, entry {@code seq} at {@code time}, after {@code prevHash}. */
    public static String line(long seq, String time, AuditEvent event, String prevHash) {
        // Built by hand, with the JSON string escaping Jackson itself uses: the same bytes as
        // serialising these keys in this order, at a fraction of the cost on the audit path.
        StringBuilder sb = new StringBuilder(320).append("{\"seq\":").append(seq);
        field(sb, "time", time);
        field(sb, "actor", event.actor());
        field(sb, "action", event.action());
        field(sb, "resource", event.resource());
        field(sb, "outcome", event.outcome());
        field(sb, "request_id", event.requestId());
        field(sb, "remote", event.remote());
        field(sb, "prev_hash", prevHash);
        String prefix = sb.toString();
        return prefix + HASH_KEY + hashOf(prefix) + "\"}";
    }

    private static void field(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":\"");
        tools.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(value == null ? "" : value, sb);
        sb.append('"');
    }

    /** Parses a stored line and checks that its hash matches its content. */
    public static Entry parse(String line) throws FormatException {
        int at = line.lastIndexOf(HASH_KEY);
        if (at < 0 || !line.endsWith("\"}")) {
            throw new FormatException("not an audit entry");
        }
        Entry e;
        try {
            e = Json.mapper().readValue(line, Entry.class);
        } catch (RuntimeException x) {
            throw new FormatException("not an audit entry");
        }
        if (e.hash() == null || e.prevHash() == null) {
            throw new FormatException("not an audit entry");
        }
        if (!Digests.constantTimeEquals(
                hashOf(line.substring(0, at)).getBytes(StandardCharsets.US_ASCII),
                e.hash().getBytes(StandardCharsets.US_ASCII))) {
            throw new FormatException("its content does not match its hash (edited)");
        }
        return e;
    }

    static String hashOf(String prefix) {
        return HexFormat.of().formatHex(Digests.sha256(prefix.getBytes(StandardCharsets.UTF_8)));
    }

    /** What a checkpoint signs. */
    public static byte[] checkpointMessage(long seq, String hashHex) {
        return ByteBuffer.allocate(CHECKPOINT_CONTEXT.length + 8 + 32)
                .put(CHECKPOINT_CONTEXT)
                .putLong(seq)
                .put(HexFormat.of().parseHex(hashHex))
                .array();
    }

    /** The result of {@link #verify}: the first problem found, or how much was checked. */
    public record Report(long entries, int checkpoints, Optional<String> problem) {
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    /**
     * Checks a whole log: every line parses and matches its hash, sequences run 1, 2, 3... without a
     * gap, every {@code prev_hash} is the hash of the entry before, every checkpoint is signed by
     * {@code serverSignPub} and matches the log at its seq, and no checkpoint lies beyond the log's
     * end (entries cut from the end). Stops at the first problem and names the entry.
     */
    public static Report verify(BufferedReader log, BufferedReader checkpoints, byte[] serverSignPub)
            throws IOException {
        Map<Long, String> signed = new HashMap<>();
        int count = 0;
        String cp;
        while ((cp = checkpoints.readLine()) != null) {
            if (cp.isBlank()) {
                continue;
            }
            Checkpoint c;
            try {
                c = Json.mapper().readValue(cp, Checkpoint.class);
                if (!Ed25519.verify(
                        serverSignPub,
                        checkpointMessage(c.seq(), c.hash()),
                        java.util.Base64.getUrlDecoder().decode(c.signature()))) {
                    return new Report(
                            0,
                            count,
                            Optional.of("checkpoint " + (count + 1) + " (seq " + c.seq()
                                    + ") is not signed by this server's key"));
                }
            } catch (RuntimeException x) {
                return new Report(0, count, Optional.of("checkpoint " + (count + 1) + " is malformed"));
            }
            signed.put(c.seq(), c.hash());
            count++;
        }
        String prev = GENESIS;
        long expect = 1;
        String line;
        while ((line = log.readLine()) != null) {
            Entry e;
            try {
                e = parse(line);
            } catch (FormatException x) {
                return new Report(expect - 1, count, Optional.of("entry " + expect + ": " + x.getMessage()));
            }
            if (e.seq() != expect) {
                return new Report(
                        expect - 1,
                        count,
                        Optional.of("entry " + expect + ": found seq " + e.seq()
                                + " instead (entries deleted, inserted or reordered)"));
            }
            if (!e.prevHash().equals(prev)) {
                return new Report(
                        expect - 1,
                        count,
                        Optional.of("entry " + expect + ": prev_hash is not the hash of entry " + (expect - 1)
                                + " (entries deleted, inserted, reordered or rewritten)"));
            }
            String cpHash = signed.remove(e.seq());
            if (cpHash != null && !cpHash.equals(e.hash())) {
                return new Report(
                        expect - 1,
                        count,
                        Optional.of("entry " + expect + ": differs from the signed checkpoint at this seq"
                                + " (the log up to here was rewritten)"));
            }
            prev = e.hash();
            expect++;
        }
        long last = expect - 1;
        Optional<Long> beyond = signed.keySet().stream().min(Long::compare);
        if (beyond.isPresent()) {
            return new Report(
                    last,
                    count,
                    Optional.of("entry " + (last + 1) + ": missing; the log ends at seq " + last
                            + " but a signed checkpoint covers seq " + beyond.get() + " (entries cut from the end)"));
        }
        return new Report(last, count, Optional.empty());
    }
}
