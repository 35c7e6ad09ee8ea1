/**
 * Who is who: endpoint ids derived from Ed25519 keys, users of the allowlist with their roles and
 * status, and private identities.
 */
package dev.keyroom.core.identity;
