/**
 * Gateway grants (GW-2): a room's owner or admin lets one agent use one secret of the room at one
 * upstream, through the gateway, which injects the value so that the agent never holds it. The
 * core keeps a grant as the granter signed it, opaque bytes and a signature, plus the few fields it
 * authorizes and indexes by ({@link dev.keyroom.core.grants.Grant}); what the document says, and
 * its signature, are the protocol's to read. {@link dev.keyroom.core.grants.GrantService} decides
 * who may add, list and revoke grants; {@link dev.keyroom.core.grants.GatewayView} gathers what a
 * gateway needs to honour them; {@link dev.keyroom.core.grants.Grants} is the port.
 */
package dev.keyroom.core.grants;
