/**
 * The audit log's wire form (LOG-4): {@link dev.keyroom.protocol.audit.AuditChain}, the hash chain
 * over its JSON lines and the signed checkpoints that a node writes and {@code keyroom audit
 * verify} checks offline. Imports {@code protocol} (its JSON), {@code core.crypto} and Jackson's
 * string encoder; nothing of the server.
 */
package dev.keyroom.protocol.audit;
