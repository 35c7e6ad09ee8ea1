/**
 * The node's audit logs (LOG-4): {@link dev.keyroom.server.audit.FileAuditLog}, append-only JSON
 * lines written by one writer thread, synced in the background, with signed checkpoints and
 * recovery at start-up; in a cluster, the mirror of every node's entries into one stream, read back
 * by {@link dev.keyroom.server.audit.ClusterAudit}; on a backup site, the primary's copy ({@link
 * dev.keyroom.server.audit.SiteAuditCopy}). Imports {@code core.audit}, {@code core.crypto}, {@code
 * core.error}, {@code core.identity}, {@code core.port}, {@code protocol}, {@code protocol.audit},
 * jnats and SLF4J; no other {@code server} package and no Jetty.
 */
package dev.keyroom.server.audit;
