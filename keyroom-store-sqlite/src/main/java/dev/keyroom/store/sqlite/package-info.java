/**
 * The embedded store on SQLite: WAL mode, synchronous commits, versioned migrations, and JDBC
 * confined to platform threads with a single writer.
 */
package dev.keyroom.store.sqlite;
