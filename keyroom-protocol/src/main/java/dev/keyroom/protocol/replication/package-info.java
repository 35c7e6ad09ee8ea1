/**
 * What one site sends another (REPL-3): signed batches of changes ({@link
 * dev.keyroom.protocol.replication.ReplicationBatch}), blobs with their stamp ({@link
 * dev.keyroom.protocol.replication.ReplicationBlob}), and the stamp both carry ({@link
 * dev.keyroom.protocol.replication.Stamped}). Imports {@code protocol}, {@code core.crypto} and
 * {@code core.identity}; nothing of the server or the stores.
 */
package dev.keyroom.protocol.replication;
