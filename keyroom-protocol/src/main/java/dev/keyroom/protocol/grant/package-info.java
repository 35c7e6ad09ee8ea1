/**
 * Gateway grants: the document a room owner or admin signs to let one agent use one secret of the
 * room at one upstream, its validation (shared by the server, which stores it, and the gateway,
 * which honours it) and the matching of a request against it.
 */
package dev.keyroom.protocol.grant;
