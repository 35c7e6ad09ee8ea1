/**
 * The vault: versioned secrets of a room and their rules ({@link
 * dev.keyroom.core.vault.VaultService}), the agents' read limit and its breaches ({@link
 * dev.keyroom.core.vault.AgentLimits}), the rotation of the keyring that wraps every sealed item
 * ({@link dev.keyroom.core.vault.KeyringService}), and the ports {@link
 * dev.keyroom.core.vault.Secrets}, {@link dev.keyroom.core.vault.SealedItems} and {@link
 * dev.keyroom.core.vault.Breaches}. Imports {@code core.crypto}, {@code core.error}, {@code
 * core.identity}, {@code core.port} and {@code core.rooms}; nothing of Jetty, SQL or NATS.
 */
package dev.keyroom.core.vault;
