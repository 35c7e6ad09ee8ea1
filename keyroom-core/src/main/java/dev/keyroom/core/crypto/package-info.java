/**
 * Thin, validating wrappers over vetted cryptography: {@link dev.keyroom.core.crypto.Ed25519} from
 * BouncyCastle, {@link dev.keyroom.core.crypto.X25519Keys} from Tink, SHA-256 and constant-time
 * comparison from the JDK ({@link dev.keyroom.core.crypto.Digests}), the at-rest {@link
 * dev.keyroom.core.crypto.Keyring}, key files, PEM certificates, base64url, and {@link
 * dev.keyroom.core.crypto.SecretBytes} for key material in memory. Nothing here implements a
 * cipher, a KDF or a signature scheme. Imports {@code core.error}, BouncyCastle, Tink and the JDK's
 * {@code javax.crypto}; no other Keyroom package.
 */
package dev.keyroom.core.crypto;
