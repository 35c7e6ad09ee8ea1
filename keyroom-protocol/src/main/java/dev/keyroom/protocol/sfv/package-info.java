/**
 * RFC 8941 structured field values: {@link dev.keyroom.protocol.sfv.StructuredFields}, the strict
 * parser and canonical serializer that request signatures use. Imports nothing but the JDK, no
 * other Keyroom package.
 */
package dev.keyroom.protocol.sfv;
