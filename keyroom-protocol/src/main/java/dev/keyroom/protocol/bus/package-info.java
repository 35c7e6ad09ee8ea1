/**
 * The data plane's binary frame format at {@code /v1/bus}, shared by server and SDK: {@link
 * dev.keyroom.protocol.bus.Frame}, its frame types and their encoding. Imports {@code
 * core.identity} and {@code core.rooms} only; the WebSocket itself is the server's and the SDK's
 * business.
 */
package dev.keyroom.protocol.bus;
