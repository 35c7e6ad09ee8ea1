/**
 * The HTTP control plane on Jetty 12 core handlers: the one {@link
 * dev.keyroom.server.http.KeyroomHandler}, a small {@link dev.keyroom.server.http.Router}, one
 * {@code *Routes} class per resource, and the reading of request bodies under their limits. Imports
 * core's packages, {@code protocol}, {@code protocol.dto}, {@code protocol.envelope}, {@code
 * server.audit}, {@code server.auth}, {@code server.config}, {@code server.limits}, {@code
 * server.replication}, {@code server.web}, Jetty, Micrometer and SLF4J; never {@code server.bus}.
 */
package dev.keyroom.server.http;
