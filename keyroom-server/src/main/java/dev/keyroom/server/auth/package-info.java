/**
 * Request authentication: {@link dev.keyroom.server.auth.RequestAuthenticator} runs the RFC 9421
 * profile checks in the protocol's order, {@link dev.keyroom.server.auth.Authorities} are the
 * authorities a request may name, {@link dev.keyroom.server.auth.UserDirectory} is the short-lived
 * user cache that revocations invalidate, and {@link dev.keyroom.server.auth.SavedNonces} keeps a
 * node's nonces across a restart. Imports {@code core.auth}, {@code core.crypto}, {@code
 * core.identity}, {@code core.port}, {@code protocol.signature}, {@code server.config}, Caffeine,
 * SLF4J and Jetty (for {@link dev.keyroom.server.auth.JettyRequestView} only).
 */
package dev.keyroom.server.auth;
