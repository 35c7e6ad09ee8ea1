/**
 * Replay protection: the {@link dev.keyroom.core.auth.NonceStore} port and {@link
 * dev.keyroom.core.auth.InMemoryNonceStore}, its bounded in-memory implementation for a single
 * node. Imports {@code core.identity} only; like all of core, nothing of the protocol, the server,
 * Jetty, SQL or NATS.
 */
package dev.keyroom.core.auth;
