/**
 * The JSON bodies of the protocol as records, one class per resource ({@link
 * dev.keyroom.protocol.dto.UserDtos}, {@link dev.keyroom.protocol.dto.RoomDtos}, ...). Field names
 * map to snake_case on the wire ({@code signPub} is {@code sign_pub}); binary values are base64url
 * without padding; times are RFC 3339 UTC strings.
 */
package dev.keyroom.protocol.dto;
