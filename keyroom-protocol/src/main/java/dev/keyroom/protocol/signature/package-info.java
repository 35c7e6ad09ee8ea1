/**
 * HTTP Message Signatures (RFC 9421) with Content-Digest (RFC 9530): the signature base, the
 * profile's parser and checks, and the signer the SDK uses. Signatures are always verified over
 * the base rebuilt from the raw request, never over re-serialised JSON.
 */
package dev.keyroom.protocol.signature;
