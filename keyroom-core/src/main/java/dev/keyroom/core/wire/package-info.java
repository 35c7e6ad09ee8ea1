/**
 * How core values are named on the wire: {@link dev.keyroom.core.wire.WireNamed}, the lower-case
 * names of enums such as roles, statuses and policies. Imports only the JDK; any package may import
 * it.
 */
package dev.keyroom.core.wire;
