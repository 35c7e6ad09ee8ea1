/**
 * Site replication (REPL-1 to REPL-7, ADR 0003, ADR 0004): on a primary, the {@link
 * dev.keyroom.server.replication.ReplicationWorker} sends changes, blobs and audit over one
 * mutual-TLS link; on a backup, {@link dev.keyroom.server.replication.ApplyHandler} and {@code
 * ApplyStream} apply what arrives; {@link dev.keyroom.server.replication.SiteRole} is this site's
 * role. Imports core's packages, {@code protocol}, {@code protocol.replication}, {@code
 * server.audit}, {@code server.config}, {@code server.limits}, {@code server.tls}, {@code
 * server.web}, the SDK's {@code ServerTrust}, Jetty, Jackson, Caffeine and SLF4J.
 */
package dev.keyroom.server.replication;
