/** The cluster mode's ports on NATS JetStream (KV buckets, Object Store, subjects). */
package dev.keyroom.store.nats;
