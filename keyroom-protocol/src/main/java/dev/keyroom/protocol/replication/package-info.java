/**
 * What one site sends another: signed batches of changes ({@link
 * dev.keyroom.protocol.replication.ReplicationBatch}), blobs with their stamp ({@link
 * dev.keyroom.protocol.replication.ReplicationBlob}), and the stamp both carry ({@link
 * dev.keyroom.protocol.replication.Stamped}) (REPL-3).
 */
package dev.keyroom.protocol.replication;
