/** Room messages: the signed, encrypted envelope and its byte format. */
package dev.keyroom.protocol.envelope;
