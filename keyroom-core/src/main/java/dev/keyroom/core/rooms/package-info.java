/**
 * Rooms: the {@link dev.keyroom.core.rooms.Room} record, members and their roles, epochs and
 * per-member sealed epoch keys ({@link dev.keyroom.core.rooms.RoomKeys}, HPKE by Tink), messages
 * and blobs with their ports ({@link dev.keyroom.core.rooms.Rooms}, {@link
 * dev.keyroom.core.rooms.Messages}, {@link dev.keyroom.core.rooms.BlobStore}), and the
 * authorization rules of every room operation ({@link dev.keyroom.core.rooms.RoomService}). Imports
 * {@code core.crypto}, {@code core.error}, {@code core.identity}, {@code core.port} and Tink;
 * nothing of the protocol, the server, Jetty, SQL or NATS.
 */
package dev.keyroom.core.rooms;
