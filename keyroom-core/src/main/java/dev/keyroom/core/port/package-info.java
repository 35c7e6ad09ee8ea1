/**
 * The ports no single aggregate owns: the {@link dev.keyroom.core.port.Clock} and the non-durable
 * {@link dev.keyroom.core.port.Bus}. Each aggregate's own port lives beside it ({@code Users} in
 * identity, {@code Rooms}, {@code Messages} and {@code BlobStore} in rooms, {@code Secrets}, {@code
 * SealedItems} and {@code Breaches} in vault, {@code Bans} in limits, {@code NonceStore} in auth,
 * {@code AuditLog} in audit, {@code SiteLog} in site). Imports nothing but the JDK, so that any
 * package may import it.
 */
package dev.keyroom.core.port;
