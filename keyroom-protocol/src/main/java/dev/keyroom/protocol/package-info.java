/**
 * The wire contract shared by server and SDK: JSON configuration and DTOs, the identity file, and
 * (in subpackages) structured fields and request signatures.
 */
package dev.keyroom.protocol;
