/** Replay protection: the {@link dev.keyroom.core.auth.NonceStore} port and its bounded in-memory implementation for a single node. */
package dev.keyroom.core.auth;
