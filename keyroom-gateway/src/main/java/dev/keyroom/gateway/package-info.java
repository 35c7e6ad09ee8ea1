/**
 * The Keyroom gateway: a separate process with its own identity that agents use as their HTTPS
 * proxy. It mints a leaf certificate for a granted upstream under its own CA, reads the agent's
 * request, applies the agent's signed grant, injects the credential it unsealed as a room member, and
 * forwards the request over validated TLS to the address it checked, so the agent never holds the
 * credential (GW-1 to GW-8).
 */
package dev.keyroom.gateway;
