/**
 * The vault: versioned secrets of a room with their rules ({@link
 * dev.keyroom.core.vault.VaultService}), the agents' read limit and its breaches ({@link
 * dev.keyroom.core.vault.AgentLimits}), the rotation of the keyring that wraps every sealed item
 * ({@link dev.keyroom.core.vault.KeyringService}), and the ports that hold them: {@link
 * dev.keyroom.core.vault.Secrets}, {@link dev.keyroom.core.vault.SealedItems}, {@link
 * dev.keyroom.core.vault.Breaches}.
 */
package dev.keyroom.core.vault;
