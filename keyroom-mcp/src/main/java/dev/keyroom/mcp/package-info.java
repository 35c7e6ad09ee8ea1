/**
 * {@code keyroom mcp}: a Model Context Protocol server over stdio that lends an agent its own Keyroom
 * identity as tools (its rooms, messages verified and opened here, blobs as text, sending, waiting,
 * and HTTPS calls through the gateway under its grants). No tool reads a secret of the vault, and a
 * blob's key never leaves this process: what the model sees is what the room says, never what the
 * vault holds. Built on the official MCP Java SDK; imports the Keyroom SDK, never the server.
 */
package dev.keyroom.mcp;
