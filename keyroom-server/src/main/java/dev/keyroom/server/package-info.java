/** A Keyroom node: the composition root and the data directory. */
package dev.keyroom.server;
