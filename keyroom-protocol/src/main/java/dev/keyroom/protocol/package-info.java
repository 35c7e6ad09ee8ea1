/**
 * The wire contract shared by server and SDK. Here: {@link dev.keyroom.protocol.Json}, the one
 * strict JSON configuration of the wire, and the {@link dev.keyroom.protocol.IdentityFile}; the
 * subpackages hold DTOs, envelopes, frames, signatures and replication messages. Imports {@code
 * core.crypto}, {@code core.error}, {@code core.identity} and Jackson. No protocol package imports
 * the server, the SDK, the stores or Jetty.
 */
package dev.keyroom.protocol;
