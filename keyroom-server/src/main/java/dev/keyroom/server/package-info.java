/**
 * A Keyroom node: the composition root {@link dev.keyroom.server.KeyroomServer}, which builds the
 * embedded or cluster backends, the services, both planes and the site wiring; the data directory
 * ({@link dev.keyroom.server.DataDir}), the server key, and {@link dev.keyroom.server.Migration}
 * and {@link dev.keyroom.server.SiteSeed}. As the root it imports widely: core's packages, {@code
 * protocol}, {@code protocol.dto}, every {@code server.*} package, {@code store.sqlite}, {@code
 * store.nats}, Jetty, jnats, Micrometer and SLF4J.
 */
package dev.keyroom.server;
