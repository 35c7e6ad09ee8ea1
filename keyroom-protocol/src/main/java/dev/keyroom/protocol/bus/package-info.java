/** The data plane's binary frame format, shared by server and SDK. */
package dev.keyroom.protocol.bus;
