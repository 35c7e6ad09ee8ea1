/**
 * The admin console (issue 20): a Jetty server of its own on its own TLS listener ({@link
 * dev.keyroom.server.console.Console}), serving the page's files from the jar and a JSON API under
 * {@code /console/api/} on its own router ({@link dev.keyroom.server.console.ConsoleHandler}),
 * over the node's services and ports ({@link dev.keyroom.server.console.ConsolePorts}). Login is by
 * a one-time ticket made by an admin's signed request and exchanged for a session ({@link
 * dev.keyroom.server.console.ConsoleSessions}); only keyed hashes of credentials are kept ({@link
 * dev.keyroom.server.console.TokenHasher}). UI-1 to UI-5 of {@code docs/security.md}.
 */
package dev.keyroom.server.console;
