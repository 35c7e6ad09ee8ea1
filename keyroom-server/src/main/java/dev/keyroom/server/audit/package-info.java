/**
 * The node's audit logs (LOG-4): {@link dev.keyroom.server.audit.FileAuditLog}, append-only JSON
 * lines written by one writer thread ({@code AuditWriter}), synced in the background ({@code
 * AuditSyncer}), with signed checkpoints ({@code AuditCheckpoints}) and recovery at start-up
 * ({@code AuditFileRecovery}); in a cluster, {@link dev.keyroom.server.audit.ClusterAudit} and the
 * mirror of every node's entries into one stream; on a backup site, the primary's copy ({@code
 * SiteAuditCopy}).
 */
package dev.keyroom.server.audit;
