/**
 * Failure reporting: the {@link dev.keyroom.core.error.ErrorCode} catalogue and the single
 * exception type that carries a code. Expected outcomes are sealed result types instead.
 */
package dev.keyroom.core.error;
