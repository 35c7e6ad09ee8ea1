/**
 * HTTP Message Signatures (RFC 9421) with Content-Digest (RFC 9530): the {@link
 * dev.keyroom.protocol.signature.SignatureBase}, the profile's parser and checks, and the {@link
 * dev.keyroom.protocol.signature.RequestSigner} the SDK uses. Signatures are always verified over
 * the base rebuilt from the raw request, never over re-serialised JSON. Imports {@code
 * protocol.sfv}, {@code core.crypto}, {@code core.identity} and {@code core.port}; no Jetty: a
 * request is seen through {@link dev.keyroom.protocol.signature.HttpRequestView}.
 */
package dev.keyroom.protocol.signature;
