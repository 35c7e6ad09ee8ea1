/**
 * Request authentication: the RFC 9421 profile checks in the protocol's order, the auth modes, and
 * the short-lived user cache that revocations invalidate.
 */
package dev.keyroom.server.auth;
