/**
 * Site replication (REPL-1 to REPL-7, ADR 0003, ADR 0004). On a primary, the {@link
 * dev.keyroom.server.replication.ReplicationWorker} sends the change feed ({@code ChangeSender}),
 * the blob outbox ({@code BlobSender}) and the audit log ({@code AuditSender}) over one mutually
 * authenticated link ({@code BackupLink}). On a backup, {@link
 * dev.keyroom.server.replication.ApplyHandler} and {@code ApplyStream} check and apply what
 * arrives, admitted by {@code ApplyGate}. {@link dev.keyroom.server.replication.SiteRole} is what
 * this site is now: primary, backup or fenced.
 */
package dev.keyroom.server.replication;
