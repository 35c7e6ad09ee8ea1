/**
 * The HTTP control plane on Jetty 12 core handlers: one handler, a small router, one {@code
 * *Routes} class per resource, and the single mapping of error codes to statuses.
 */
package dev.keyroom.server.http;
