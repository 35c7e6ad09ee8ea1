/**
 * The JSON bodies of the protocol as records, one class per resource ({@link
 * dev.keyroom.protocol.dto.UserDtos}, {@link dev.keyroom.protocol.dto.RoomDtos}, ...). Field names
 * map to snake_case on the wire ({@code signPub} is {@code sign_pub}); binary values are base64url
 * without padding; times are RFC 3339 UTC strings. Imports {@code protocol.audit} only, and no
 * Jackson: the mapping is the {@code Json} of {@code protocol}.
 */
package dev.keyroom.protocol.dto;
