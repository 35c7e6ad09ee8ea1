/**
 * Thin, validating wrappers over vetted cryptography: Ed25519 from BouncyCastle, X25519 from Tink,
 * SHA-256 from the JDK, and {@link dev.keyroom.core.crypto.SecretBytes} for key material in
 * memory. Nothing here implements a cipher, a KDF or a signature scheme.
 */
package dev.keyroom.core.crypto;
