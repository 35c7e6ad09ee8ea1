/**
 * The WebSocket data plane at {@code /v1/bus}: {@link dev.keyroom.server.bus.DataPlane} and its
 * upgrade, one {@link dev.keyroom.server.bus.BusSession} per connection with the rooms it follows
 * and its bounded outbox, and the {@link dev.keyroom.server.bus.BusHub} of live sessions for
 * eviction. Imports core's packages, {@code protocol.bus}, {@code protocol.envelope}, {@code
 * protocol.signature}, {@code server.auth}, {@code server.config}, {@code server.limits}, {@code
 * server.web}, {@code server.replication} (the site role), Jetty and SLF4J; never {@code
 * server.http}.
 */
package dev.keyroom.server.bus;
