/**
 * Abuse resistance: the in-flight byte budget, token-bucket rate limits, durable bans, connection
 * hygiene, and the {@link dev.keyroom.server.limits.RequestGate} that applies them in order. Every
 * limit, its default and its metric are in {@code docs/operations.md}. Imports {@code core.error},
 * {@code core.identity}, {@code core.limits}, {@code core.port}, {@code server.config}, Bucket4j,
 * Caffeine, Micrometer, Jetty and SLF4J.
 */
package dev.keyroom.server.limits;
