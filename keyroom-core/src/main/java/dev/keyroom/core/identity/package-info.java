/**
 * Who is who: the {@link dev.keyroom.core.identity.EndpointId} derived from an Ed25519 key, the
 * allowlist's {@link dev.keyroom.core.identity.User} records with their role and status, its {@link
 * dev.keyroom.core.identity.Users} port and {@link dev.keyroom.core.identity.UserService}, and the
 * private {@link dev.keyroom.core.identity.Identity}. Imports {@code core.crypto}, {@code
 * core.error} and {@code core.port} (the clock); nothing of the protocol, the server, Jetty, SQL or
 * NATS.
 */
package dev.keyroom.core.identity;
