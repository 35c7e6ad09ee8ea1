package dev.keyroom.core.rooms;

/** A room as seen by one of its members: the room and that member's role in it. */
public record Membership(Room room, RoomRole role) {}
