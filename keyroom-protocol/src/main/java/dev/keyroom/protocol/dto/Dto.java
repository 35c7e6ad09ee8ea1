package dev.keyroom.protocol.dto;

import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the wire, as records. Field names map to snake_case on the wire ({@code
 * signPub} is {@code sign_pub}); binary values are base64url without padding; times are RFC 3339
 * UTC strings.
 */
public final class Dto {
    private Dto() {}

    public record UserCreate(String signPub, String kexPub, String name, String role) {}

    public record User(
            String endpoint,
            String name,
            String role,
            String status,
            String signPub,
            String kexPub,
            String createdAt) {}

    public record Users(List<User> users) {}

    public record RoomCreate(String roomId, String name, String policy, String owner, String sealedKey) {}

    public record Room(
            String roomId,
            String name,
            String policy,
            long epoch,
            String owner,
            String createdAt,
            Boolean rekeyRequired) {}

    public record Member(String endpoint, String role, String signPub, String kexPub, String joinedAt) {}

    public record Members(List<Member> members) {}

    public record MemberAdd(String endpoint, String role, String sealedKey) {}

    public record Rekey(Long fromEpoch, List<String> remove, Map<String, String> sealedKeys) {}

    public record Epoch(long epoch) {}

    public record SealedKey(long epoch, String sealedKey) {}

    public record MyRoom(String roomId, String name, String policy, long epoch, String role) {}

    public record MyRooms(List<MyRoom> rooms) {}

    public record Posture(
            String auth, boolean tls, boolean cluster, String store, boolean requireEncryptedRooms, String role) {}

    public record Health(String status, String version, Posture posture) {}

    /**
     * {@code GET /v1/replication/status} (admin). A primary that feeds a backup fills the {@code
     * backup} fields (changes recorded, acknowledged, pending, seconds the oldest pending one has
     * waited, the last error, alerts raised, the size and round-trip time of the last batch taken); a
     * fed backup the {@code primary} ones (its watermark).
     */
    public record ReplicationStatus(
            String role,
            long siteEpoch,
            String primary,
            Long watermark,
            String backup,
            Long lastChange,
            Long acknowledged,
            Long pending,
            Double lagSeconds,
            String lastError,
            Long alerts,
            Long lastBatchChanges,
            Long lastBatchMillis,
            Long blobsWaiting,
            Long auditWaiting,
            Boolean sender,
            Double nextRetrySeconds) {}

    /**
     * The answer to an operator's retry on a primary: whether its worker was waiting to retry after
     * a failure (and so retries now), and the status.
     */
    public record Retry(boolean retrying, ReplicationStatus status) {}

    /** Promotes a backup (REPL-7): the site epoch it leaves, as its status shows it. */
    public record Promote(Long fromEpoch) {}

    public record Publish(String envelope) {}

    public record Blob(String sha256, long size) {}

    public record Seq(long seq) {}

    /** A room's retention: its own setting (null: the server's default) and what applies. */
    public record Retention(
            Integer retainCount,
            Integer retainDays,
            Integer secretVersions,
            Integer roomRetainCount,
            Integer roomRetainDays,
            Integer roomSecretVersions) {}

    public record RetentionSet(Integer retainCount, Integer retainDays, Integer secretVersions) {}

    public record SecretPut(String value, Long ifVersion) {}

    public record SecretVersion(String name, long version) {}

    public record Secret(String name, long version, String value, String createdBy, String createdAt) {}

    public record SecretItem(String name, long version, String updatedAt) {}

    public record Secrets(List<SecretItem> secrets) {}

    public record KeyringKey(int id, long items, boolean current) {}

    public record KeyringStatus(
            int current, List<KeyringKey> keys, boolean rewrapping, long rewrapped, long unreadable) {}

    /** A page of {@code GET /v1/audit}. */
    public record AuditEvents(List<dev.keyroom.protocol.audit.AuditChain.Entry> events) {}

    public record Message(long seq, String sender, long epoch, String receivedAt, String envelope) {}

    public record Messages(List<Message> messages) {}

    public record ErrorDetail(String code, String message, String requestId) {}

    public record Error(ErrorDetail error) {}
}
