/**
 * The audit trail: the {@link dev.keyroom.core.audit.AuditEvent} every decision records and the
 * {@link dev.keyroom.core.audit.AuditLog} port that makes it durable and hash-chained before the
 * decision takes effect (LOG-4).
 */
package dev.keyroom.core.audit;
