/** The WebSocket data plane at {@code /v1/bus}: sessions, live eviction, flow control. */
package dev.keyroom.server.bus;
