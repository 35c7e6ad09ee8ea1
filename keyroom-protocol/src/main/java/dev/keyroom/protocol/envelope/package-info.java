/**
 * Room messages: the signed, encrypted {@link dev.keyroom.protocol.envelope.Envelope} and its byte
 * format, their sealing and opening ({@link dev.keyroom.protocol.envelope.MessageCrypto}), the
 * secret values of encrypted rooms ({@link dev.keyroom.protocol.envelope.SecretCrypto}), and the
 * check of what a caller publishes ({@link dev.keyroom.protocol.envelope.PublishedEnvelope}).
 * Imports {@code core.crypto}, {@code core.error}, {@code core.identity}, {@code core.port}, {@code
 * core.rooms}, BouncyCastle (HKDF) and the JDK's {@code javax.crypto}.
 */
package dev.keyroom.protocol.envelope;
