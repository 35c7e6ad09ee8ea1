/**
 * Abuse resistance: the in-flight byte budget, token-bucket rate limits, durable bans and
 * connection hygiene. Every limit, its default and its metric are in {@code docs/operations.md}.
 */
package dev.keyroom.server.limits;
