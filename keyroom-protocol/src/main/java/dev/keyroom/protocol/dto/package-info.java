/** The JSON bodies of the protocol as records. */
package dev.keyroom.protocol.dto;
