/**
 * The audit trail: the {@link dev.keyroom.core.audit.AuditEvent} every decision records and the
 * {@link dev.keyroom.core.audit.AuditLog} port that makes it durable and hash-chained before the
 * decision takes effect (LOG-4). Imports {@code core.identity} and {@code core.error} only; like
 * all of core, nothing of the protocol, the server, Jetty, SQL or NATS.
 */
package dev.keyroom.core.audit;
