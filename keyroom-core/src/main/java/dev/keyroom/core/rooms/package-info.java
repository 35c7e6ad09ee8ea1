/**
 * Rooms: members and their roles, epochs and per-member sealed epoch keys, and the authorization
 * rules of every room operation ({@link dev.keyroom.core.rooms.RoomService}).
 */
package dev.keyroom.core.rooms;
