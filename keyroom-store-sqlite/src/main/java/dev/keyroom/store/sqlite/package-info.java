/**
 * The embedded store on SQLite: {@link dev.keyroom.store.sqlite.SqliteStore} in WAL mode with
 * synchronous commits and versioned migrations, one class per port over its tables, JDBC confined
 * to platform threads with a single writer, blobs as files ({@link
 * dev.keyroom.store.sqlite.DiskBlobStore}), and the single-node {@link
 * dev.keyroom.store.sqlite.InProcessBus}. Imports core's packages, JDBC with sqlite-jdbc, and
 * SLF4J; nothing of the protocol, the server, Jetty or NATS.
 */
package dev.keyroom.store.sqlite;
