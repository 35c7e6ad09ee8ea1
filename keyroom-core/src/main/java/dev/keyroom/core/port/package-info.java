/**
 * The ports through which the domain reaches the outside world. Each has an embedded
 * implementation (SQLite, memory, disk, in-process) and a NATS JetStream one, held to the same
 * contract suite in {@code keyroom-testkit}.
 */
package dev.keyroom.core.port;
