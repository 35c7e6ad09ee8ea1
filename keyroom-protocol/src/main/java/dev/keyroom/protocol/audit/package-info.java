/**
 * The audit log's wire form: {@link dev.keyroom.protocol.audit.AuditChain}, the hash chain over
 * its JSON lines and the signed checkpoints that a node writes and {@code keyroom audit verify}
 * checks offline (LOG-4).
 */
package dev.keyroom.protocol.audit;
