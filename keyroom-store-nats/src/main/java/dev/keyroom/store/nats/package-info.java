/**
 * The cluster mode's ports on NATS JetStream: {@link dev.keyroom.store.nats.JetStreamStore}, a
 * replicated state machine on one stream (KV buckets and the Object Store beside it), the {@link
 * dev.keyroom.store.nats.NatsBus} on core subjects, the {@link
 * dev.keyroom.store.nats.NatsNonceStore}, the {@link dev.keyroom.store.nats.NatsBlobStore}, and
 * {@link dev.keyroom.store.nats.NatsConnections}. Imports core's packages, {@code store.sqlite}
 * (each node's replica is a {@code SqliteStore}), jnats and SLF4J; nothing of the protocol, the
 * server or Jetty.
 */
package dev.keyroom.store.nats;
