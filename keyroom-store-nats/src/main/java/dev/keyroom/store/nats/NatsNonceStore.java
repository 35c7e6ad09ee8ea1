package dev.keyroom.store.nats;

import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The cluster's nonce store (AUTH-7): one JetStream KV bucket whose TTL is the longest retention,
 * so the bucket forgets what no request can replay any more. A claim is an atomic create of the
 * key {@code <keyid>.<sha256(nonce)>}: whichever node creates it first accepts the request, every
 * other claim finds it and refuses. The value holds the claim time, so a key still in the bucket
 * but older than the retention is taken over with a compare-and-set on its revision (the contract
 * counts time by the caller's clock, not the server's).
 *
 * <p>Every call is bounded by {@code timeout}; any failure to decide (timeout, no quorum, lost
 * connection) raises {@code OVERLOADED}, and the caller refuses the request (fail closed).
 */
public final class NatsNonceStore implements NonceStore {
    private final KeyValue kv;

    /**
     * Opens (creating if needed) the bucket {@code bucket} with {@code replicas} copies and a TTL of
     * {@code maxRetention}; the bucket's settings are not changed if it exists.
     */
    public NatsNonceStore(Connection nats, String bucket, int replicas, Duration maxRetention, Duration timeout) {
        try {
            this.kv = NatsBuckets.keyValue(nats, bucket, replicas, maxRetention, timeout);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            throw unavailable(e);
        }
    }

    static String key(EndpointId keyid, String nonce) {
        byte[] h = Digests.sha256(nonce.getBytes(StandardCharsets.UTF_8));
        return keyid.value() + "." + HexFormat.of().formatHex(h, 0, 16);
    }

    @Override
    public Claim claim(EndpointId keyid, String nonce, Instant now, Duration retention) {
        String key = key(keyid, nonce);
        byte[] at = ByteBuffer.allocate(8).putLong(now.toEpochMilli()).array();
        try {
            try {
                kv.create(key, at);
                return Claim.ACCEPTED;
            } catch (JetStreamApiException exists) {
                if (!isWrongLastSequence(exists)) {
                    throw exists;
                }
            }
            KeyValueEntry seen = kv.get(key);
            if (seen == null || seen.getValue() == null) {
                // Gone between our create and our read (expired): claim it again, atomically.
                kv.create(key, at);
                return Claim.ACCEPTED;
            }
            long first = ByteBuffer.wrap(seen.getValue()).getLong();
            if (now.toEpochMilli() - first <= retention.toMillis()) {
                return Claim.REPLAYED;
            }
            kv.update(key, at, seen.getRevision());
            return Claim.ACCEPTED;
        } catch (JetStreamApiException e) {
            if (isWrongLastSequence(e)) {
                return Claim.REPLAYED; // another node claimed it first, just now
            }
            throw unavailable(e);
        } catch (IOException | RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** JetStream's answer to a create or update whose expected revision did not hold. */
    private static boolean isWrongLastSequence(JetStreamApiException e) {
        return e.getApiErrorCode() == 10071;
    }

    private static KeyroomException unavailable(Exception cause) {
        return new KeyroomException(ErrorCode.OVERLOADED, "the nonce store cannot decide; request refused", cause);
    }
}
