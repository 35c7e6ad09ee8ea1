/** Replay protection on a single node: the bounded in-memory nonce store. */
package dev.keyroom.core.auth;
