/** RFC 8941 structured field values: the strict parser and canonical serializer. */
package dev.keyroom.protocol.sfv;
