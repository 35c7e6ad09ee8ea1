package dev.keyroom.core.rooms;

/**
 * Server-wide room policy. {@code cleartextAllowed} is true only when the server listens on
 * loopback alone or the operator allowed cleartext rooms explicitly (AZ-8).
 */
public record RoomRules(boolean cleartextAllowed) {}
