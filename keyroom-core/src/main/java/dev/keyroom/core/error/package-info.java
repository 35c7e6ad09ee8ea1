/**
 * Failure reporting: the {@link dev.keyroom.core.error.ErrorCode} catalogue and {@link
 * dev.keyroom.core.error.KeyroomException}, the single exception type that carries a code. Expected
 * outcomes are sealed result types instead. Imports nothing but the JDK, so that every other
 * package may import it.
 */
package dev.keyroom.core.error;
